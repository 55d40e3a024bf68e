import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useTempDir } from '../../core/test/fixtures.js';
import { ACTION_COMMANDS, type ActionCommand, INPUTS, OUTPUTS } from '../src/action/inputs.js';
import { type InputReader, STAGES, stepArgv } from '../src/action/stages.js';
import {
  inputsJson,
  literalStepEnv,
  ROOT_ACTION,
  readAction,
  runAction,
  stageAction,
  useActionEnv,
} from './action-harness.js';
import { runCli } from './run-cli.js';

const tmp = useTempDir('action');
const penguins = dataset('penguins.json');
const CONTRACT = 'penguins.contract.json';
useActionEnv();

beforeAll(async () => {
  const write = await runCli(['validate', '--data', penguins, '--write-schema', tmp.path(CONTRACT)]);
  expect(write.code).toBe(0);
});

describe('the GitHub Action entry', () => {
  it('validates penguins with the inputs the composite action.yml hands over as JSON', async () => {
    const action = await readAction(ROOT_ACTION);
    const result = await runAction(tmp, {
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
    const action = await readAction(stageAction('validate'));
    const result = await runAction(tmp, {
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
    const result = await runAction(tmp, {
      INPUT_COMMAND: 'validate',
      INPUT_DATA: penguins,
      INPUT_SCHEMA: tmp.path('none.json'),
    });
    expect(result.failed).toBe(true);
    expect(result.outputs[OUTPUTS.exitCode]).toBe('2');
    expect(result.commands).toContain(`::error::${tmp.path('none.json')}: no such contract file.`);
  });

  it('names a missing required input, an unknown command and a bad boolean', async () => {
    const missing = await runAction(tmp, { MODELGATE_COMMAND: 'evaluate' });
    expect(missing.failed).toBe(true);
    expect(missing.commands).toContain('::error::Input required and not supplied: model (for evaluate).');
    const unknown = await runAction(tmp, { INPUT_COMMAND: 'launch' });
    expect(unknown.commands).toContain("::error::Invalid command 'launch'. Expected one of validate,");
    const flag = await runAction(tmp, {
      MODELGATE_COMMAND: 'evaluate',
      INPUT_MODEL: 'm.onnx',
      INPUT_COMMENT: 'yes',
    });
    expect(flag.commands).toContain("::error::Invalid input comment: 'yes'. Expected true or false.");
  });
});

/** The reader settings.ts builds, over a plain object. */
function reader(command: ActionCommand, given: Record<string, string>): InputReader {
  return (name) => given[name] || STAGES[command].defaults?.[name] || '';
}

function argvOf(command: ActionCommand, given: Record<string, string>): string[][] {
  const input = reader(command, given);
  return STAGES[command].steps.filter((s) => !s.when || s.when(input)).map((s) => stepArgv(s, input));
}

describe('inputs -> CLI arguments (stages.ts)', () => {
  it('maps each stage to the commands it runs', () => {
    expect(argvOf('train', { data: 'd.csv', parallel: '2' })).toEqual([
      ['train', '--data', 'd.csv', '--out', 'modelgate-out/model', '--parallel', '2'],
    ]);
    expect(argvOf('train', { mode: 'plan' })).toEqual([['train', 'plan', '--out', 'modelgate-out/plan']]);
    expect(argvOf('train', { mode: 'trial', trial: '3' })).toEqual([
      ['train', 'trial', '--plan', 'modelgate-out/plan', '--id', '3'],
    ]);
    expect(argvOf('train', { mode: 'collect', trials: 't' })).toEqual([
      ['train', 'collect', '--plan', 'modelgate-out/plan', '--trials', 't', '--out', 'modelgate-out/model'],
    ]);
    expect(argvOf('evaluate', { model: 'm', baseline: 'none', comment: 'true', check: 'true' })).toEqual([
      [
        'evaluate',
        '--model',
        'm',
        '--no-baseline',
        '--registry',
        'registry',
        '--out',
        'modelgate-out/evaluation',
      ],
      ['github', 'comment', '--evaluation', 'modelgate-out/evaluation'],
      ['github', 'check', '--evaluation', 'modelgate-out/evaluation'],
    ]);
    expect(argvOf('register', { push: 'true', 'gto-tags': 'true' })).toEqual([
      ['register', '--model', 'modelgate-out/model', '--registry', 'registry', '--push', '--gto-tags'],
    ]);
    expect(argvOf('promote', { model: 'penguins@v2', stage: 'production' })).toEqual([
      [
        'github',
        'promotion-pr',
        '--registry',
        'registry',
        '--model',
        'penguins',
        '--version',
        'v2',
        '--stage',
        'production',
      ],
    ]);
    expect(
      argvOf('promote', { model: 'penguins@v2', stage: 'staging', mode: 'commit', push: 'true' }),
    ).toEqual([['promote', 'penguins@v2', '--to', 'staging', '--registry', 'registry', '--push']]);
    expect(argvOf('deploy', { model: 'penguins#production' })).toEqual([
      [
        'deploy',
        '--target',
        'k8s',
        '--registry',
        'registry',
        '--model',
        'penguins#production',
        '--out',
        'deploy',
      ],
    ]);
    expect(argvOf('predict', { model: 'm.onnx', input: 'in.csv', output: 'out.csv' })).toEqual([
      ['predict', '--model', 'm.onnx', '--input', 'in.csv', '--output', 'out.csv'],
    ]);
    expect(argvOf('export', { model: 'm.onnx' })).toEqual([
      ['export', '--model', 'm.onnx', '--target', 'web', '--out', 'modelgate-out/web'],
    ]);
    expect(
      argvOf('predict', {
        model: 'bare.onnx',
        input: 'in.csv',
        output: 'out.csv',
        spec: 'spec.json',
        'allow-empty': 'true',
      }),
    ).toEqual([
      [
        'predict',
        '--model',
        'bare.onnx',
        '--input',
        'in.csv',
        '--output',
        'out.csv',
        '--spec',
        'spec.json',
        '--allow-empty',
      ],
    ]);
    expect(argvOf('export', { model: 'm.onnx', title: 'Penguins' })).toEqual([
      ['export', '--model', 'm.onnx', '--target', 'web', '--out', 'modelgate-out/web', '--title', 'Penguins'],
    ]);
    expect(
      argvOf('monitor', {
        model: 'penguins#production',
        current: 'logs/',
        issue: 'true',
        'dispatch-workflow': 'retrain.yml',
      }),
    ).toEqual([
      [
        'monitor',
        '--model',
        'penguins#production',
        '--current',
        'logs/',
        '--registry',
        'registry',
        '--out',
        'modelgate-out/monitor',
      ],
      [
        'github',
        'monitor-issue',
        '--monitor',
        'modelgate-out/monitor',
        '--model',
        'penguins',
        '--dispatch-workflow',
        'retrain.yml',
      ],
    ]);
  });

  it('refuses a promote reference that would read as a flag', () => {
    expect(() => argvOf('promote', { model: '--push', stage: 'x', mode: 'commit' })).toThrow(
      "Invalid input model: '--push'",
    );
  });
});

describe('action.yml files', () => {
  const sorted = (names: Iterable<string>) => [...names].sort();

  it('declare the inputs, defaults, required inputs and outputs of their stage in stages.ts', async () => {
    const perStage = sorted(await readdir('actions'));
    expect(perStage).toEqual(sorted(ACTION_COMMANDS.filter((c) => c !== 'profile' && c !== 'split')));
    for (const command of perStage as ActionCommand[]) {
      const stage = STAGES[command];
      const action = await readAction(stageAction(command));
      expect(Object.keys(action.inputs), command).toEqual([...stage.inputs]);
      for (const [name, spec] of Object.entries(action.inputs)) {
        expect(spec.description, `${command}.${name}`).toMatch(/\S/);
        const wanted = name === INPUTS.workingDirectory ? '.' : stage.defaults?.[name as never];
        if (name !== INPUTS.githubToken) expect(spec.default, `${command}.${name} default`).toBe(wanted);
        const required = (stage.required ?? []).includes(name as never) && wanted === undefined;
        expect(spec.required, `${command}.${name} required`).toBe(required);
      }
      expect(sorted(Object.keys(action.outputs)), command).toEqual(
        sorted([OUTPUTS.exitCode, OUTPUTS.result, ...Object.keys(stage.outputs ?? {})]),
      );
      expect(literalStepEnv(action)).toEqual({ MODELGATE_COMMAND: command });
    }
    const root = await readAction(ROOT_ACTION);
    expect(sorted(Object.keys(root.inputs))).toEqual(sorted(Object.values(INPUTS)));
    expect(sorted(Object.keys(root.outputs))).toEqual(sorted(Object.values(OUTPUTS)));
    const used = new Set([INPUTS.command, ...ACTION_COMMANDS.flatMap((c) => STAGES[c].inputs)]);
    expect(sorted(used)).toEqual(sorted(Object.values(INPUTS)));
  });

  it('never put an expression into a run: script, where it would be spliced into the shell', async () => {
    const files = [ROOT_ACTION, ...(await readdir('actions')).map(stageAction)];
    for (const file of files) {
      const steps = (await readAction(file)).runs.steps;
      expect(steps.some((s) => s.run !== undefined)).toBe(true);
      for (const step of steps) expect(step.run ?? '', file).not.toContain('${{');
    }
  });
});

describe('scripts/action-setup.sh key', () => {
  const keyOutputs = async (script = 'scripts/action-setup.sh'): Promise<Record<string, string>> => {
    const output = await tmp.write('setup-output', '');
    const run = spawnSync('bash', [script, 'key'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', RUNNER_OS: 'Linux', GITHUB_OUTPUT: output },
    });
    expect(run.status, run.stderr).toBe(0);
    const text = await readFile(output, 'utf8');
    const paths = /^paths<<(\w+)\n([\s\S]*?)\n\1$/m.exec(text);
    const lines = Object.fromEntries(
      [...text.matchAll(/^([\w-]+)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]),
    );
    return { ...lines, paths: paths?.[2] ?? '' };
  };

  it('keys the dependency cache by OS, Node version, lockfile and sources, with the paths to restore', async () => {
    const outputs = await keyOutputs();
    expect(outputs.key).toMatch(/^modelgate-deps-Linux-node\d+\.\d+\.\d+-[0-9a-f]{16}-[0-9a-f]{16}$/);
    expect(outputs.key?.startsWith(outputs['restore-key'] ?? '-')).toBe(true);
    expect(outputs.ready).toMatch(/^(true|false)$/);
    expect(outputs.paths?.split('\n')).toEqual(
      expect.arrayContaining([resolve('node_modules'), resolve('packages/cli/dist')]),
    );
    expect((await keyOutputs()).key).toBe(outputs.key);
  });

  it('keys a checkout holding release tarballs by them, restoring only their install', async () => {
    const checkout = tmp.path('release-checkout');
    await mkdir(join(checkout, 'scripts'), { recursive: true });
    await mkdir(join(checkout, 'release'));
    await copyFile('scripts/action-setup.sh', join(checkout, 'scripts', 'action-setup.sh'));
    await writeFile(join(checkout, 'release', 'modelgate-cli-0.1.0.tgz'), 'one');
    const script = join(checkout, 'scripts', 'action-setup.sh');
    const outputs = await keyOutputs(script);
    expect(outputs.key).toMatch(/^modelgate-release-Linux-node\d+\.\d+\.\d+-[0-9a-f]{16}$/);
    expect(outputs.ready).toBe('false');
    expect(outputs.paths).toBe(join(checkout, '.modelgate-install'));
    await writeFile(join(checkout, 'release', 'modelgate-cli-0.1.0.tgz'), 'another');
    const another = (await keyOutputs(script)).key;
    expect(another).not.toBe(outputs.key);
    // The release's lockfile decides the installed versions: a new lock is a new install.
    await writeFile(join(checkout, 'release', 'package.json'), '{}');
    await writeFile(join(checkout, 'release', 'package-lock.json'), '{ "lockfileVersion": 3 }');
    const locked = (await keyOutputs(script)).key;
    await writeFile(
      join(checkout, 'release', 'package-lock.json'),
      '{ "lockfileVersion": 3, "packages": {} }',
    );
    expect(new Set([another, locked, (await keyOutputs(script)).key]).size).toBe(3);
  });
});
