import { isAbsolute } from 'node:path';
import { DEFAULT_CONFIG_FILE, parseConfig, quote, UserError } from '@modelgate/core';
import { DEFAULT_MARGIN, PRIMARY_METRIC } from '@modelgate/evaluate';
import { DEFAULT_SETTINGS_YAML } from '@modelgate/registry';
import { WORKFLOW_TEMPLATES } from './init-templates.js';

export const TASKS = ['binary', 'multiclass', 'regression'] as const;
export type Task = (typeof TASKS)[number];

export interface InitAnswers {
  model: string;
  task: Task;
  target: string;
  /** Data path relative to the repository root. */
  data: string;
  /** owner/name of the modelgate toolkit the workflows run. */
  toolkitRepository: string;
  /** The toolkit commit (or tag) the workflows pin. */
  toolkitRef: string;
  defaultBranch: string;
  /** An absolute floor for the gate's metric; none unless the user gives one. */
  gateMin?: number;
}

/** A file `modelgate init` writes, relative to the repository root. */
export interface PlannedFile {
  path: string;
  content: string;
}

/**
 * The default gate written out: non-inferiority on the task's primary metric.
 * No absolute floor unless --gate-min gives one: a fixed min turns a challenger
 * as good as a champion near the floor into a coin flip.
 */
function gateYaml(task: Task, min: number | undefined): string {
  const metric = PRIMARY_METRIC[task];
  const floor = min === undefined ? '' : `min: ${min}, `;
  return `gate:
  # Not worse than the champion by ${DEFAULT_MARGIN} ${metric} or more: the lower bound of the difference's
  # 95% interval must be above -${DEFAULT_MARGIN} (see GATE.md in @modelgate/evaluate). gate: none for no gate.
  ${metric}: { ${floor}non_inferiority: ${DEFAULT_MARGIN} }
`;
}

/** --gate-min: an absolute floor for the gate's metric. */
export function parseGateMin(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new UserError(`--gate-min ${quote(text)}: expected a number, e.g. 0.8.`);
  }
  if (value > 1) {
    throw new UserError(
      `--gate-min ${quote(text)}: expected at most 1: the gate's metric (accuracy, or r2 for regression) never exceeds 1, so no model could pass.`,
    );
  }
  return value;
}

const METRICS: Record<Task, string> = { binary: 'roc_auc', multiclass: 'log_loss', regression: 'rmse' };

/** modelgate.yaml for a new project; a random search, so the PR workflow can fan trials out as a matrix. */
export function configYaml(a: InitAnswers): string {
  const text = `# yaml-language-server: $schema=https://raw.githubusercontent.com/${a.toolkitRepository}/${a.toolkitRef}/modelgate.schema.json
# Written by modelgate init. Every key: modelgate config schema, or the JSON Schema above.
model: ${a.model}
task: ${a.task}
target: ${JSON.stringify(a.target)}
features: auto
data: ${JSON.stringify(a.data)}
split: { by: ${a.task === 'regression' ? 'random' : 'stratified'}, validation: 0.1, test: 0.2, seed: 42 }
train:
  metric: ${METRICS[a.task]}
  # random (or grid): the pull-request workflow runs each trial as a matrix job.
  search: { strategy: random, trials: 8, seed: 7 }
${gateYaml(a.task, a.gateMin)}`;
  parseConfig(text, DEFAULT_CONFIG_FILE);
  return text;
}

const PLACEHOLDERS = {
  __MODELGATE_REPOSITORY__: (a: InitAnswers) => a.toolkitRepository,
  __MODELGATE_REF__: (a: InitAnswers) => a.toolkitRef,
  __DEFAULT_BRANCH__: (a: InitAnswers) => a.defaultBranch,
  __MODEL__: (a: InitAnswers) => a.model,
  __DATA__: (a: InitAnswers) => a.data,
};

/** A workflow template with the project's values in place of its __PLACEHOLDERS__. */
export function renderTemplate(template: string, answers: InitAnswers): string {
  let text = template;
  for (const [name, value] of Object.entries(PLACEHOLDERS)) text = text.replaceAll(name, value(answers));
  return text;
}

const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
const SAFE_VALUE = /^[A-Za-z0-9._\-/*]+$/;

/** Values land in YAML and workflow files: refuse anything that could change their structure. */
export function checkAnswers(a: InitAnswers): void {
  if (!REPOSITORY.test(a.toolkitRepository))
    throw new UserError(`--toolkit-repository ${quote(a.toolkitRepository)}: expected owner/name.`);
  for (const [flag, value] of [
    ['--toolkit-ref', a.toolkitRef],
    ['--branch', a.defaultBranch],
    ['--data', a.data],
  ] as const) {
    if (!SAFE_VALUE.test(value))
      throw new UserError(`${flag} ${quote(value)}: expected letters, digits, '.', '-', '_', '/' or '*'.`);
  }
  if (isAbsolute(a.data) || a.data.split('/').includes('..'))
    throw new UserError(`--data ${quote(a.data)}: expected a path inside the repository.`);
}

export const WORKFLOWS_DIR = '.github/workflows';
export const REGISTRY_SETTINGS = 'registry/registry.yaml';

/** Every file init writes (CODEOWNERS is handled apart: it may be appended to). */
export function plannedFiles(answers: InitAnswers): PlannedFile[] {
  checkAnswers(answers);
  return [
    { path: DEFAULT_CONFIG_FILE, content: configYaml(answers) },
    ...Object.entries(WORKFLOW_TEMPLATES).map(([name, template]) => ({
      path: `${WORKFLOWS_DIR}/${name}`,
      content: renderTemplate(template, answers),
    })),
    { path: REGISTRY_SETTINGS, content: DEFAULT_SETTINGS_YAML },
  ];
}

/** Where GitHub looks for CODEOWNERS, in its order. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

/** Whether a CODEOWNERS file already has a rule for registry/. */
export function ownsRegistry(codeowners: string): boolean {
  if (codeowners.includes(CODEOWNERS_MARKER)) return true;
  return codeowners
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .some((pattern) => /^\/?registry(\/|\/\*\*?)?$/.test(pattern) || pattern.startsWith('/registry/'));
}

const CODEOWNERS_MARKER = '# modelgate: promotion PRs change registry/';

export function codeownersLine(owners: readonly string[]): string {
  if (owners.length === 0) {
    return `${CODEOWNERS_MARKER}; name who approves them (then uncomment), e.g.\n# /registry/ @your-org/ml-owners\n`;
  }
  return `${CODEOWNERS_MARKER}; these owners approve them.\n/registry/ ${owners.join(' ')}\n`;
}

const OWNER = /^@[A-Za-z0-9-]+(\/[A-Za-z0-9._-]+)?$|^[^@\s]+@[^@\s]+$/;

/** `@user`, `@org/team` or an e-mail address, as CODEOWNERS takes them. */
export function parseOwners(list: string | undefined): string[] {
  const owners = (list ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const owner of owners) {
    if (!OWNER.test(owner))
      throw new UserError(`--owners ${quote(owner)}: expected @user, @org/team or an e-mail address.`);
  }
  return owners;
}
