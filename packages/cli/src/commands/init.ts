import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathExists, quote, UserError, writeFileAtomic } from '@modelgate/core';
import { checkModelName } from '@modelgate/registry';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { CommandOutcome, Finding } from '../outcome.js';
import type { Wrap } from '../runner.js';
import { FULL_SHA, readToolkitPin, type ToolkitPin } from '../toolkit-pin.js';
import {
  CODEOWNERS_PATHS,
  codeownersLine,
  type InitAnswers,
  ownsRegistry,
  parseGateMin,
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
  toolkitRepository?: string;
  toolkitRef?: string;
  allowUnpinned?: boolean;
  branch: string;
  gateMin?: string;
}

/** The toolkit the written workflows run. */
export interface ToolkitChoice {
  repository: string;
  ref: string;
  /** Whether `ref` is a full commit SHA (else --allow-unpinned let a tag or branch through). */
  pinned: boolean;
}

export interface InitResult {
  dir: string;
  written: string[];
  /** Files that exist and were left alone. */
  skipped: string[];
  /** CODEOWNERS appended to, when it existed without a registry/ rule. */
  appended: string[];
  toolkit: ToolkitChoice;
}

const NOTES = `
Writes, relative to --dir (an existing repository): modelgate.yaml, .github/workflows/modelgate-{pr,
register,deploy,monitor}.yml, registry/registry.yaml and a CODEOWNERS rule for registry/ (appended to an
existing CODEOWNERS without one, else .github/CODEOWNERS). Nothing that exists is overwritten: running it
again writes nothing. Every uses: of the toolkit is pinned to a full commit SHA: by default the commit
this modelgate was built from (in the repository its package.json names); a tag or branch for
--toolkit-ref is refused unless --allow-unpinned.`;

function modelNameFor(dir: string): string {
  const name = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return name || 'model';
}

/** The directory's name as a model name, unless the registry would refuse it. */
function modelFor(flags: InitFlags): string {
  if (flags.model !== undefined) return checkModelName(flags.model, '--model');
  return checkModelName(modelNameFor(flags.dir), 'model name (the directory name; pass --model)');
}

/** Pinned by default to the commit the CLI was built from; a tag or branch only when asked for. */
export function chooseToolkit(flags: InitFlags, pin: ToolkitPin): ToolkitChoice {
  const repository = flags.toolkitRepository ?? pin.repository;
  if (!repository) {
    throw new UserError(
      '--toolkit-repository: required: this modelgate records no repository of its own. Pass the owner/name the workflows run.',
    );
  }
  const given = flags.toolkitRef;
  const ref =
    given === undefined ? pin.commit : /^[0-9a-fA-F]{40}$/.test(given) ? given.toLowerCase() : given;
  if (!ref) {
    throw new UserError(
      '--toolkit-ref: required: this modelgate was built outside a git checkout and records no commit of its own. Pass --toolkit-ref <full commit SHA of the modelgate release>.',
    );
  }
  const pinned = FULL_SHA.test(ref);
  if (!pinned && !flags.allowUnpinned) {
    throw new UserError(
      `--toolkit-ref ${quote(ref)}: not a full commit SHA (40 hex digits). A tag or branch can be moved to other code, which then runs with your workflows' secrets: pass the commit's SHA, or --allow-unpinned to use it anyway.`,
    );
  }
  return { repository, ref, pinned };
}

function parseTask(task: string): Task {
  if ((TASKS as readonly string[]).includes(task)) return task as Task;
  throw new UserError(`--task ${quote(task)}: expected one of ${TASKS.join(', ')}.`);
}

/**
 * Scaffolds a project; pure over the filesystem at `flags.dir` and given the toolkit `pin` the build
 * recorded, so tests call it directly.
 */
export async function initProject(flags: InitFlags, pin: ToolkitPin): Promise<InitResult> {
  const info = await stat(flags.dir).catch(() => undefined);
  if (!info) throw new UserError(`--dir ${flags.dir}: no such directory.`);
  if (!info.isDirectory())
    throw new UserError(`--dir ${flags.dir}: is a file. Expected the repository's directory.`);
  const toolkit = chooseToolkit(flags, pin);
  const answers: InitAnswers = {
    model: modelFor(flags),
    task: parseTask(flags.task),
    target: flags.target,
    data: flags.data,
    toolkitRepository: toolkit.repository,
    toolkitRef: toolkit.ref,
    defaultBranch: flags.branch,
    ...(flags.gateMin !== undefined ? { gateMin: parseGateMin(flags.gateMin) } : {}),
  };
  const owners = parseOwners(flags.owners);
  const result: InitResult = { dir: flags.dir, written: [], skipped: [], appended: [], toolkit };
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

/** Files on stdout; warnings and notices on stderr (and as annotations under Actions). */
function outcome(result: InitResult, flags: InitFlags, ctx: CliContext): CommandOutcome {
  const { toolkit } = result;
  const lines = [
    ...result.written.map((f) => `  wrote    ${f}`),
    ...result.appended.map((f) => `  appended ${f} (a rule for registry/)`),
    ...result.skipped.map((f) => `  skipped  ${f} (exists)`),
  ];
  const changed = result.written.length + result.appended.length;
  const findings: Finding[] = [];
  if (!toolkit.pinned) {
    findings.push({
      level: 'warning',
      title: 'modelgate init',
      message: `the workflows run ${toolkit.repository} at ${quote(toolkit.ref)}, a tag or branch that can move (--allow-unpinned): pin a full commit SHA with --toolkit-ref.`,
    });
  }
  if (!flags.owners) {
    findings.push({
      level: 'notice',
      title: 'modelgate init',
      message: 'no --owners: the CODEOWNERS rule for registry/ is a comment; name who approves promotions.',
    });
  }
  for (const f of findings) ctx.log(`${f.level}: ${f.message}`);
  const head =
    changed === 0
      ? `modelgate init: nothing to do in ${result.dir}: every file exists.`
      : `modelgate init: ${changed} file${changed === 1 ? '' : 's'} in ${result.dir}`;
  const next =
    changed === 0
      ? []
      : [
          '',
          `The workflows run ${toolkit.repository}@${toolkit.ref}${toolkit.pinned ? '' : ' (not pinned)'}.`,
          'Next: put your data where modelgate.yaml says, run `modelgate validate` and `modelgate train --out model`,',
          'then commit. Self-hosted runners need the labels the workflows ask for (see ACTIONS.md).',
        ];
  return {
    exitCode: 0,
    data: result,
    text: [head, ...lines, ...next].join('\n'),
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
      'the modelgate repository the workflows run (default: the one this modelgate was built from)',
    )
    .option(
      '--toolkit-ref <sha>',
      'the modelgate commit the workflows run, a full SHA (default: the commit this modelgate was built from)',
    )
    .option('--allow-unpinned', 'let --toolkit-ref be a tag or branch (a warning on stderr)')
    .option('--branch <name>', 'the default branch', 'main')
    .option(
      '--gate-min <value>',
      "an absolute floor for the gate's metric (accuracy, or r2 for regression); none by default",
    )
    .addHelpText('after', NOTES)
    .action(
      wrap<InitFlags>(async (flags, ctx) => {
        const result = await initProject(flags, readToolkitPin());
        return outcome(result, flags, ctx);
      }),
    );
}
