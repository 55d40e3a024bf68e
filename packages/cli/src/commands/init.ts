import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathExists, UserError, writeFileAtomic } from '@modelgate/core';
import type { Command } from 'commander';
import type { CommandOutcome, Finding } from '../outcome.js';
import type { Wrap } from '../runner.js';
import { VERSION } from '../version.js';
import {
  CODEOWNERS_PATHS,
  codeownersLine,
  type InitAnswers,
  ownsRegistry,
  parseOwners,
  plannedFiles,
  TASKS,
  type Task,
} from './init-files.js';

interface InitFlags {
  dir: string;
  model?: string;
  task: string;
  target: string;
  data: string;
  owners?: string;
  toolkitRepository: string;
  toolkitRef: string;
  branch: string;
}

export interface InitResult {
  dir: string;
  written: string[];
  /** Files that exist and were left alone. */
  skipped: string[];
  /** CODEOWNERS appended to, when it existed without a registry/ rule. */
  appended: string[];
}

const FULL_SHA = /^[0-9a-f]{40}$/;

const NOTES = `
Writes, relative to --dir (an existing repository): modelgate.yaml, .github/workflows/modelgate-{pr,
register,deploy,monitor}.yml, registry/registry.yaml and a CODEOWNERS rule for registry/ (appended to an
existing CODEOWNERS without one, else .github/CODEOWNERS). Nothing that exists is overwritten: running it
again writes nothing. The workflows run the toolkit at --toolkit-ref: pin it to a full commit SHA.`;

function modelNameFor(dir: string): string {
  const name = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return name || 'model';
}

function parseTask(task: string): Task {
  if ((TASKS as readonly string[]).includes(task)) return task as Task;
  throw new UserError(`--task '${task}': expected one of ${TASKS.join(', ')}.`);
}

/** Scaffolds a project; pure over the filesystem at `flags.dir`, so tests call it directly. */
export async function initProject(flags: InitFlags): Promise<InitResult> {
  const info = await stat(flags.dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UserError(`--dir ${flags.dir}: no such directory.`);
  const answers: InitAnswers = {
    model: flags.model ?? modelNameFor(flags.dir),
    task: parseTask(flags.task),
    target: flags.target,
    data: flags.data,
    toolkitRepository: flags.toolkitRepository,
    toolkitRef: flags.toolkitRef,
    defaultBranch: flags.branch,
  };
  const owners = parseOwners(flags.owners);
  const result: InitResult = { dir: flags.dir, written: [], skipped: [], appended: [] };
  // Everything is checked and rendered before the first write.
  const files = plannedFiles(answers);
  for (const file of files) {
    const path = join(flags.dir, file.path);
    if (await pathExists(path)) {
      result.skipped.push(file.path);
      continue;
    }
    await writeFileAtomic(path, file.content);
    result.written.push(file.path);
  }
  await addCodeowners(flags.dir, owners, result);
  return result;
}

async function addCodeowners(dir: string, owners: string[], result: InitResult): Promise<void> {
  for (const candidate of CODEOWNERS_PATHS) {
    const path = join(dir, candidate);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    if (ownsRegistry(text)) {
      result.skipped.push(candidate);
      return;
    }
    const separator = text === '' || text.endsWith('\n') ? '' : '\n';
    await writeFileAtomic(path, `${text}${separator}${codeownersLine(owners)}`);
    result.appended.push(candidate);
    return;
  }
  const created = CODEOWNERS_PATHS[0];
  await writeFileAtomic(join(dir, created), codeownersLine(owners));
  result.written.push(created);
}

function outcome(result: InitResult, flags: InitFlags): CommandOutcome {
  const lines = [
    ...result.written.map((f) => `  wrote    ${f}`),
    ...result.appended.map((f) => `  appended ${f} (a rule for registry/)`),
    ...result.skipped.map((f) => `  skipped  ${f} (exists)`),
  ];
  const changed = result.written.length + result.appended.length;
  const findings: Finding[] = [];
  if (!FULL_SHA.test(flags.toolkitRef)) {
    findings.push({
      level: 'warning',
      title: 'modelgate init',
      message: `the workflows run modelgate at '${flags.toolkitRef}', a tag or branch: pin it to a full commit SHA (--toolkit-ref).`,
    });
  }
  if (!flags.owners) {
    findings.push({
      level: 'notice',
      title: 'modelgate init',
      message: 'no --owners: the CODEOWNERS rule for registry/ is a comment; name who approves promotions.',
    });
  }
  const head =
    changed === 0
      ? `modelgate init: nothing to do in ${result.dir}: every file exists.`
      : `modelgate init: ${changed} file${changed === 1 ? '' : 's'} in ${result.dir}`;
  const next =
    changed === 0
      ? []
      : [
          '',
          'Next: put your data where modelgate.yaml says, run `modelgate validate` and `modelgate train --out model`,',
          'then commit. Self-hosted runners need the labels the workflows ask for (see ACTIONS.md).',
        ];
  const warnings = findings.map((f) => `${f.level}: ${f.message}`);
  return {
    exitCode: 0,
    data: result,
    text: [head, ...lines, ...warnings, ...next].join('\n'),
    findings,
  };
}

export function registerInit(program: Command, wrap: Wrap): void {
  program
    .command('init')
    .description('scaffold modelgate.yaml, the GitHub workflows, the registry and a CODEOWNERS rule')
    .option('--dir <dir>', 'the repository to scaffold', '.')
    .option('--model <name>', 'model name (default: the directory name)')
    .option('--task <task>', TASKS.join('|'), 'binary')
    .option('--target <column>', 'the column to predict', 'target')
    .option('--data <path>', 'the training data, relative to the repository', 'data/train.csv')
    .option('--owners <list>', 'comma-separated CODEOWNERS of registry/ (@user, @org/team)')
    .option(
      '--toolkit-repository <owner/name>',
      'the modelgate repository the workflows run',
      'modelgate/modelgate',
    )
    .option('--toolkit-ref <sha>', 'the modelgate commit the workflows run (pin a full SHA)', `v${VERSION}`)
    .option('--branch <name>', 'the default branch', 'main')
    .addHelpText('after', NOTES)
    .action(
      wrap<InitFlags>(async (flags) => {
        const result = await initProject(flags);
        return outcome(result, flags);
      }),
    );
}
