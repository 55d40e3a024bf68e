import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import { parse } from 'yaml';
import type { TempDir } from '../../core/test/fixtures.js';
import { INPUTS } from '../src/action/inputs.js';
import { type RunOptions, run } from '../src/action/run.js';

export interface ActionYaml {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: { run?: string; uses?: string; env?: Record<string, string> }[] };
}

export const ROOT_ACTION = 'action.yml';
export const stageAction = (command: string) => join('actions', command, 'action.yml');

export async function readAction(file: string): Promise<ActionYaml> {
  return parse(await readFile(file, 'utf8')) as ActionYaml;
}

/** `toJSON(inputs)` as the runner builds it: every declared input, its default or '' when not given. */
export function inputsJson(action: ActionYaml, given: Record<string, string>): string {
  const inputs = Object.entries(action.inputs).map(([name, spec]) => [
    name,
    given[name] ?? (spec.default?.includes('${{') ? '' : spec.default) ?? '',
  ]);
  return JSON.stringify(Object.fromEntries(inputs));
}

/** The env of the step that runs the action entry, without the `${{ }}` the runner fills in. */
export function literalStepEnv(action: ActionYaml): Record<string, string> {
  const env = action.runs.steps.flatMap((s) => Object.entries(s.env ?? {}));
  return Object.fromEntries(env.filter(([, value]) => !String(value).includes('${{')));
}

/** GITHUB_OUTPUT in the runner's file-command format: `name<<delimiter`, value lines, `delimiter`. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) {
    outputs[m[1] as string] = m[3] as string;
  }
  return outputs;
}

export interface ActionRun {
  outputs: Record<string, string>;
  summary: string;
  /** Workflow commands @actions/core wrote to stdout, such as `::error::`. */
  commands: string;
  failed: boolean;
}

/** Restores process.exitCode, env and spies around each test that runs the entry in-process. */
export function useActionEnv(): void {
  let savedExitCode: typeof process.exitCode;
  beforeEach(() => {
    savedExitCode = process.exitCode;
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    process.exitCode = savedExitCode;
  });
}

/** Runs the action entry in-process the way the runner does: env in, GITHUB_OUTPUT and the job summary out. */
export async function runAction(
  tmp: TempDir,
  env: Record<string, string>,
  options: RunOptions = {},
): Promise<ActionRun> {
  const outputFile = await tmp.write('github-output', '');
  const summaryFile = await tmp.write('step-summary.md', '');
  // Cleared, so the INPUT_* variables run() derives from MODELGATE_INPUTS are undone after the test.
  for (const name of Object.values(INPUTS)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, undefined);
  for (const name of ['MODELGATE_INPUTS', 'MODELGATE_COMMAND', 'ACTIONS_RUNTIME_TOKEN', 'ACTIONS_CACHE_URL'])
    vi.stubEnv(name, undefined);
  vi.stubEnv('GITHUB_ACTIONS', 'true');
  vi.stubEnv('GITHUB_OUTPUT', outputFile);
  vi.stubEnv('GITHUB_STEP_SUMMARY', summaryFile);
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  process.exitCode = undefined;
  const cwd = process.cwd();
  try {
    await run(options);
  } finally {
    process.chdir(cwd);
  }
  const result = {
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
    commands: written.join(''),
    failed: process.exitCode === 1,
  };
  vi.restoreAllMocks();
  return result;
}
