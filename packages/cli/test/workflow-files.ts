import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderTemplate } from '../src/commands/init-files.js';
import { WORKFLOW_TEMPLATES } from '../src/commands/init-templates.js';

export interface NamedFile {
  name: string;
  content: string;
}

/** A full commit SHA in place of the toolkit ref, as `modelgate init --toolkit-ref <sha>` writes. */
export const SAMPLE_SHA = '0123456789abcdef0123456789abcdef01234567';

export const SAMPLE_ANSWERS = {
  model: 'penguins-species',
  task: 'multiclass',
  target: 'Species',
  data: 'data/penguins.csv',
  toolkitRepository: 'example/modelgate',
  toolkitRef: SAMPLE_SHA,
  defaultBranch: 'main',
} as const;

async function yamlFiles(dir: string): Promise<NamedFile[]> {
  const names = (await readdir(dir)).filter((f) => f.endsWith('.yml')).sort();
  return Promise.all(
    names.map(async (f) => ({ name: join(dir, f), content: await readFile(join(dir, f), 'utf8') })),
  );
}

/** The repository's workflows, and the templates as `modelgate init` renders them into a user's repo. */
export async function workflowFiles(): Promise<NamedFile[]> {
  const templates = Object.entries(WORKFLOW_TEMPLATES).map(([name, template]) => ({
    name: `init:.github/workflows/${name}`,
    content: renderTemplate(template, SAMPLE_ANSWERS),
  }));
  return [...(await yamlFiles('.github/workflows')), ...templates];
}

export async function actionFiles(): Promise<NamedFile[]> {
  const stages = (await readdir('actions')).sort().map((s) => join('actions', s, 'action.yml'));
  return Promise.all(
    ['action.yml', ...stages].map(async (name) => ({ name, content: await readFile(name, 'utf8') })),
  );
}
