import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { dataset } from '../../core/test/datasets.js';
import { useTempDir } from '../../core/test/fixtures.js';
import { ACTION_COMMANDS, COMMAND_INPUTS, INPUTS, OUTPUTS } from '../src/action/inputs.js';
import { run } from '../src/action/run.js';
import { runCli } from './run-cli.js';

interface ActionYaml {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
  runs: { steps: { run?: string; env?: Record<string, string> }[] };
}

const ROOT_ACTION = 'action.yml';
const commandAction = (command: string) => join('actions', command, 'action.yml');

async function readAction(file: string): Promise<ActionYaml> {
  return parse(await readFile(file, 'utf8')) as ActionYaml;
}

/** `toJSON(inputs)` as the runner builds it: every declared input, its default or '' when not given. */
function inputsJson(action: ActionYaml, given: Record<string, string>): string {
  const inputs = Object.entries(action.inputs).map(([name, spec]) => [
    name,
    given[name] ?? spec.default ?? '',
  ]);
  return JSON.stringify(Object.fromEntries(inputs));
}

/** The env of the step that runs the action entry, without the `${{ }}` the runner fills in. */
function literalStepEnv(action: ActionYaml): Record<string, string> {
  const env = action.runs.steps.flatMap((s) => Object.entries(s.env ?? {}));
  return Object.fromEntries(env.filter(([, value]) => !String(value).includes('${{')));
}

/** GITHUB_OUTPUT in the runner's file-command format: `name<<delimiter`, value lines, `delimiter`. */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) {
    outputs[m[1] as string] = m[3] as string;
  }
  return outputs;
}

const tmp = useTempDir('action');
const penguins = dataset('penguins.json');
const CONTRACT = 'penguins.contract.json';

beforeAll(async () => {
  const write = await runCli(['validate', '--data', penguins, '--write-schema', tmp.path(CONTRACT)]);
  expect(write.code).toBe(0);
});

interface ActionRun {
  outputs: Record<string, string>;
  summary: string;
  /** Workflow commands @actions/core wrote to stdout, such as `::error::`. */
  commands: string;
  failed: boolean;
}

let savedExitCode: typeof process.exitCode;
beforeEach(() => {
  savedExitCode = process.exitCode;
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  process.exitCode = savedExitCode;
});

/** Runs the action entry the way the runner does: env in, GITHUB_OUTPUT and the job summary out. */
async function runAction(env: Record<string, string>): Promise<ActionRun> {
  const outputFile = await tmp.write('github-output', '');
  const summaryFile = await tmp.write('step-summary.md', '');
  // Cleared, so the INPUT_* variables run() derives from MODELGATE_INPUTS are undone after the test.
  for (const name of Object.values(INPUTS)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, undefined);
  vi.stubEnv('MODELGATE_INPUTS', undefined);
  vi.stubEnv('MODELGATE_COMMAND', undefined);
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
    await run();
  } finally {
    process.chdir(cwd);
  }
  return {
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
    commands: written.join(''),
    failed: process.exitCode === 1,
  };
}

describe('the GitHub Action entry', () => {
  it('validates penguins with the inputs the composite action.yml hands over as JSON', async () => {
    const action = await readAction(ROOT_ACTION);
    const result = await runAction({
      ...literalStepEnv(action),
      MODELGATE_INPUTS: inputsJson(action, {
        [INPUTS.command]: 'validate',
        [INPUTS.workingDirectory]: tmp.dir,
        [INPUTS.data]: penguins,
        [INPUTS.schema]: CONTRACT,
      }),
    });
    expect(result.failed).toBe(false);
    expect(result.outputs[OUTPUTS.exitCode]).toBe('0');
    expect(JSON.parse(result.outputs[OUTPUTS.result] ?? '')).toMatchObject({
      ok: true,
      rows: 344,
      rules: 15,
      violations: [],
    });
    expect(result.summary).toBe(
      `### modelgate validate\n\n${penguins}: ok against ${CONTRACT} (344 rows, 15 rules)\n\nNo violations: 344 rows pass 15 rules.\n\n`,
    );
    expect(result.commands).not.toContain('::error');
  });

  it('fails the step on a violation, through actions/validate with plain INPUT_* variables', async () => {
    const rows = JSON.parse(await readFile(penguins, 'utf8')) as Record<string, unknown>[];
    rows[9] = { ...rows[9], Species: 'Dodo' };
    const drifted = await tmp.write('drifted.json', JSON.stringify(rows));
    const action = await readAction(commandAction('validate'));
    const result = await runAction({
      ...literalStepEnv(action),
      INPUT_DATA: drifted,
      INPUT_SCHEMA: tmp.path(CONTRACT),
    });
    expect(result.failed).toBe(true);
    expect(result.outputs[OUTPUTS.exitCode]).toBe('1');
    const report = JSON.parse(result.outputs[OUTPUTS.result] ?? '');
    expect(report).toMatchObject({
      ok: false,
      violations: [{ column: 'Species', rule: 'categories', count: 1 }],
    });
    expect(result.summary).toContain(`${drifted}: 1 violation of ${tmp.path(CONTRACT)}`);
    expect(result.summary).toContain(
      "| Species | categories | 1 | 1 value not among the 3 allowed categories | 'Dodo' (row 10) |",
    );
    expect(result.commands).toContain(
      `::error title=modelgate validate,file=${drifted}::Species: categories:`,
    );
    expect(result.commands).toContain('::error::modelgate validate exited with code 1');
  });

  it('fails the step with exit code 2 when an input is bad', async () => {
    const result = await runAction({
      INPUT_COMMAND: 'validate',
      INPUT_DATA: penguins,
      INPUT_SCHEMA: tmp.path('none.json'),
    });
    expect(result.failed).toBe(true);
    expect(result.outputs[OUTPUTS.exitCode]).toBe('2');
    expect(result.commands).toContain(`::error::${tmp.path('none.json')}: no such contract file.`);
  });
});

describe('action.yml files', () => {
  const sorted = (names: Iterable<string>) => [...names].sort();

  it('declare exactly the inputs and outputs named in inputs.ts', async () => {
    const root = await readAction(ROOT_ACTION);
    expect(sorted(Object.keys(root.inputs))).toEqual(sorted(Object.values(INPUTS)));
    expect(sorted(Object.keys(root.outputs))).toEqual(sorted(Object.values(OUTPUTS)));
    const perCommand = (await readdir('actions')).sort();
    expect(perCommand.every((c) => (ACTION_COMMANDS as readonly string[]).includes(c))).toBe(true);
    for (const command of perCommand as (typeof ACTION_COMMANDS)[number][]) {
      const action = await readAction(commandAction(command));
      expect(sorted(Object.keys(action.inputs))).toEqual(sorted(COMMAND_INPUTS[command]));
      expect(sorted(Object.keys(action.outputs))).toEqual(sorted(Object.values(OUTPUTS)));
      expect(literalStepEnv(action)).toEqual({ MODELGATE_COMMAND: command });
    }
    const used = new Set([INPUTS.command, ...Object.values(COMMAND_INPUTS).flat()]);
    expect(sorted(used)).toEqual(sorted(Object.values(INPUTS)));
  });

  it('never put an expression into a run: script, where it would be spliced into the shell', async () => {
    const files = [ROOT_ACTION, ...(await readdir('actions')).map(commandAction)];
    for (const file of files) {
      const steps = (await readAction(file)).runs.steps;
      expect(steps.some((s) => s.run !== undefined)).toBe(true);
      for (const step of steps) expect(step.run ?? '', file).not.toContain('${{');
    }
  });
});
