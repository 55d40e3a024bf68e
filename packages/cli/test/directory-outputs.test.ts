import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { type ActionCommand, INPUTS, OUTPUTS } from '../src/action/inputs.js';
import { STAGES, stepArgv } from '../src/action/stages.js';
import {
  inputsJson,
  literalStepEnv,
  readAction,
  runAction,
  stageAction,
  useActionEnv,
} from './action-harness.js';
import { contents } from './dir-contents.js';
import { PENGUINS_CONFIG, writeProject } from './project-fixture.js';
import { runCli } from './run-cli.js';

const tmp = useTempDir('cli-directory-outputs');

/** One fixed logistic regression: a real model, trained in a second. */
const CONFIG = `${PENGUINS_CONFIG}train:
  metric: accuracy
  candidates:
    - algorithm: logistic
      params: {l2: 1}
`;
const MINE = 'notes.txt';
const MY_NOTES = 'my notes: the command must never touch this\n';
const STALE = 'left from an earlier run\n';

describe('a command that writes into an --out directory refuses its own earlier outputs unless --force', () => {
  let root: string;
  beforeAll(async () => {
    root = await writeProject(tmp.path('project'), CONFIG);
  });

  // In order: each command reads what the one before it wrote.
  it.each([
    {
      command: 'profile',
      argv: ['profile', '--out', 'profile'],
      dir: 'profile',
      line: '--out profile: already holds profile.json and 1 more of the files it would write. Pass --force to replace them, or choose another directory for the profile.',
    },
    {
      command: 'split',
      argv: ['split', '--out', 'splits'],
      dir: 'splits',
      line: '--out splits: already holds train.parquet and 3 more of the files it would write. Pass --force to replace them, or choose another directory for the split files.',
    },
    {
      command: 'train',
      argv: ['train', '--splits', 'splits', '--out', 'model'],
      dir: 'model',
      line: '--out model: already holds model.onnx and 6 more of the files it would write. Pass --force to replace them, or choose another directory for the model and its records.',
    },
    {
      command: 'evaluate',
      argv: ['evaluate', '--model', 'model', '--splits', 'splits', '--no-baseline', '--out', 'evaluation'],
      dir: 'evaluation',
      line: '--out evaluation: already holds evaluation.json and 2 more of the files it would write. Pass --force to replace them, or choose another directory for evaluation.json and the reports.',
    },
    {
      command: 'monitor',
      argv: [
        'monitor',
        '--reference',
        'profile/profile.json',
        '--current',
        'data/penguins.json',
        '--out',
        'monitor',
      ],
      dir: 'monitor',
      line: '--out monitor: already holds monitor.json and 1 more of the files it would write. Pass --force to replace them, or choose another directory for the report.',
    },
  ])('$command', async ({ argv, dir, line }) => {
    const out = join(root, dir);
    // A directory the user keeps other files in is fine while none of them is one this command writes.
    await mkdir(out, { recursive: true });
    await writeFile(join(out, MINE), MY_NOTES);
    const first = await runCli(argv, { cwd: root });
    expect(first.stderr).not.toMatch(/error/);
    expect([0, 1]).toContain(first.code);
    const written = Object.keys(await contents(out)).filter((f) => f !== MINE);
    expect(written.length).toBeGreaterThan(0);

    const before = await contents(out);
    const refused = await runCli(argv, { cwd: root });
    expect(refused.stderr).toBe(`modelgate: error: ${line}\n`);
    expect(refused.stdout).toBe('');
    expect(refused.code).toBe(2);
    expect(await contents(out)).toEqual(before);

    const [output = ''] = written;
    await writeFile(join(out, output), STALE);
    const forced = await runCli([...argv, '--force'], { cwd: root });
    expect([0, 1]).toContain(forced.code);
    const after = await contents(out);
    // Its own files replaced, atomically (no temp file left), and the user's file as it was.
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(after[output]).not.toBe(STALE);
    expect(after[MINE]).toBe(MY_NOTES);
  });

  it('names the one file it would replace, and an empty directory is fine', async () => {
    await mkdir(join(root, 'empty'));
    const ok = await runCli(['profile', '--out', 'empty'], { cwd: root });
    expect(ok.code).toBe(0);
    await rm(join(root, 'empty', 'profile.json'));
    const refused = await runCli(['profile', '--out', 'empty'], { cwd: root });
    expect(refused.stderr).toBe(
      'modelgate: error: --out empty: already holds profile.md. Pass --force to replace it, or choose another directory for the profile.\n',
    );
    expect(refused.code).toBe(2);
  });

  it('evaluate writes beside a training output without --force, and train there is refused', async () => {
    expect((await runCli(['train', '--splits', 'splits', '--out', 'trained'], { cwd: root })).code).toBe(0);
    const evaluate = [
      'evaluate',
      '--model',
      'trained',
      '--splits',
      'splits',
      '--no-baseline',
      '--out',
      'trained',
    ];
    expect([0, 1]).toContain((await runCli(evaluate, { cwd: root })).code);
    const retrain = ['train', '--splits', 'splits', '--out', 'trained'];
    const refused = await runCli(retrain, { cwd: root });
    expect(refused.stderr).toMatch(/^modelgate: error: --out trained: already holds model\.onnx /);
  });
});

describe('predict --force removes the reject file of an earlier run when it rejects no rows', () => {
  const MODEL = join('registry', 'penguins-species', 'versions', 'v1', 'model.onnx');
  const predict = (input: string, output: string, ...more: string[]) => [
    'predict',
    '--model',
    MODEL,
    '--input',
    input,
    '--output',
    output,
    '--workers',
    '0',
    ...more,
  ];
  let root: string;
  beforeAll(async () => {
    root = await writeProject(tmp.path('predict'));
    await cp(join(import.meta.dirname, '..', '..', '..', 'registry'), join(root, 'registry'), {
      recursive: true,
    });
    // The same penguins, one with text where its beak length goes: a row the model cannot score.
    const rows = JSON.parse(await readFile(join(root, 'data', 'penguins.json'), 'utf8')) as Record<
      string,
      unknown
    >[];
    const bad = rows.slice(0, 20).map((r, i) => (i === 4 ? { ...r, 'Beak Length (mm)': 'abc' } : r));
    await writeFile(join(root, 'bad.json'), JSON.stringify(bad));
  });
  const exists = (file: string) =>
    readFile(join(root, file)).then(
      () => true,
      () => false,
    );

  it('the default reject file, with --on-error reject or fail', async () => {
    const rejecting = await runCli(predict('bad.json', 'scores.csv', '--on-error', 'reject'), { cwd: root });
    expect(rejecting.code).toBe(0);
    expect(await readFile(join(root, 'scores.rejects.csv'), 'utf8')).toContain('abc');

    for (const mode of ['reject', 'fail']) {
      const clean = await runCli(predict('data/penguins.json', 'scores.csv', '--on-error', mode, '--force'), {
        cwd: root,
      });
      expect(clean.code).toBe(0);
      expect(clean.stdout).toContain(
        "removed scores.rejects.csv: an earlier run's rejected rows (this run rejected none)",
      );
      expect(await exists('scores.rejects.csv')).toBe(false);
      await runCli(predict('bad.json', 'scores.csv', '--on-error', 'reject', '--force'), { cwd: root });
      expect(await exists('scores.rejects.csv')).toBe(true);
    }
  });

  it('a named --reject file only, and nothing without --force', async () => {
    await writeFile(join(root, 'kept.rejects.csv'), STALE);
    await writeFile(join(root, 'named.csv'), STALE);
    const named = predict('data/penguins.json', 'kept.csv', '--on-error', 'reject', '--reject', 'named.csv');
    expect((await runCli([...named, '--force'], { cwd: root })).code).toBe(0);
    expect(await exists('named.csv')).toBe(false);
    expect(await readFile(join(root, 'kept.rejects.csv'), 'utf8')).toBe(STALE);

    // No --force: a new --output, and a reject file beside its name that this run was not asked to replace.
    await writeFile(join(root, 'other.rejects.csv'), STALE);
    expect((await runCli(predict('data/penguins.json', 'other.csv'), { cwd: root })).code).toBe(0);
    expect(await readFile(join(root, 'other.rejects.csv'), 'utf8')).toBe(STALE);
  });
});

describe('the force input of the actions that write into out', () => {
  useActionEnv();

  it.each<[ActionCommand, Record<string, string>]>([
    ['profile', {}],
    ['split', { [INPUTS.out]: 'splits' }],
    ['train', {}],
    ['train', { [INPUTS.mode]: 'collect' }],
    ['train', { [INPUTS.mode]: 'plan' }],
    ['evaluate', { [INPUTS.model]: 'model' }],
    ['monitor', { [INPUTS.current]: 'data.csv' }],
  ])('%s %j passes --force only when it is true', (command, given) => {
    const [step] = STAGES[command].steps;
    const argv = (force: string) => {
      const inputs: Record<string, string> = { ...given, [INPUTS.force]: force };
      return step ? stepArgv(step, (name) => inputs[name] ?? STAGES[command].defaults?.[name] ?? '') : [];
    };
    expect(argv('true')).toContain('--force');
    expect(argv('false')).not.toContain('--force');
    expect(argv('')).not.toContain('--force');
  });

  it('evaluate: an out holding an earlier evaluation fails the step; force replaces it', async () => {
    const root = await writeProject(tmp.path('action'), CONFIG);
    expect((await runCli(['split', '--out', 'splits'], { cwd: root })).code).toBe(0);
    expect((await runCli(['train', '--splits', 'splits', '--out', 'model'], { cwd: root })).code).toBe(0);
    const action = await readAction(stageAction('evaluate'));
    const step = (given: Record<string, string>) => ({
      ...literalStepEnv(action),
      MODELGATE_INPUTS: inputsJson(action, {
        [INPUTS.workingDirectory]: root,
        [INPUTS.model]: 'model',
        [INPUTS.splits]: 'splits',
        [INPUTS.baseline]: 'none',
        ...given,
      }),
    });
    expect((await runAction(tmp, step({}))).outputs[OUTPUTS.exitCode]).toBe('0');
    await writeFile(join(root, 'modelgate-out', 'evaluation', 'report.md'), STALE);
    const refused = await runAction(tmp, step({}));
    expect(refused.commands).toContain(
      '::error::--out modelgate-out/evaluation: already holds evaluation.json and 2 more of the files it would write. Pass --force',
    );
    expect(refused.outputs[OUTPUTS.exitCode]).toBe('2');
    expect(await readFile(join(root, 'modelgate-out', 'evaluation', 'report.md'), 'utf8')).toBe(STALE);
    const forced = await runAction(tmp, step({ [INPUTS.force]: 'true' }));
    expect(forced.outputs[OUTPUTS.exitCode]).toBe('0');
    expect(await readFile(join(root, 'modelgate-out', 'evaluation', 'report.md'), 'utf8')).not.toBe(STALE);
  });
});
