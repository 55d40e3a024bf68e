import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfig, UserError } from '@modelgate/core';
import { openModel, readOnnxMetadata, recordedSpec, sha256Hex } from '@modelgate/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabase, useTempDir } from '../../core/test/fixtures.js';
import {
  collectPlan,
  plannedTrialDir,
  runTraining,
  type TrainingRun,
  type TrialsFile,
  type WrittenOutputs,
  writeTrainingResult,
} from '../src/run/index.js';
import { BYO_CLASSES, type RuleModel, ruleClass, ruleModel } from './byo-models.js';
import { runMatrixJob, writeSplitDirectory, writeTrainPlan } from './train-fixtures.js';

const db = useDatabase();
const temp = useTempDir('train-byo');

// A user's trainer in node: logs on both streams, writes a checkpoint, ships a prebuilt model.
const TRAINER = `
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const out = process.env.MODELGATE_OUTPUT_DIR;
const model = process.env.MODELGATE_PARAM_MODEL;
const rows = readFileSync(process.env.MODELGATE_TRAIN_CSV, 'utf8').trim().split('\\n').length - 1;
console.log('epoch 1: loss 0.5 (' + model + ') on ' + rows + ' rows');
console.error('a line on stderr');
mkdirSync(out + '/ckpt', { recursive: true });
writeFileSync(out + '/ckpt/epoch-1.bin', Buffer.alloc(Number(process.env.MODELGATE_PARAM_CKPT_KB ?? 1) * 1024, 7));
if (model === 'exit') setTimeout(() => { console.error('RuntimeError: CUDA out of memory'); process.exit(3); }, 50);
else if (model !== 'none') copyFileSync(process.env.BYO_MODELS + '/' + model + '.onnx', out + '/model.onnx');
`;

const MODELS: Record<string, RuleModel> = {
  'int-label': { t1: 10, t2: 20, input: 'columns', outputs: 'label' },
  'probs-only': { t1: 12, t2: 20, input: 'columns', outputs: 'probabilities' },
  packed: { t1: 10, t2: 26, input: 'packed', outputs: 'probabilities' },
  both: { t1: 2, t2: 20, input: 'packed', outputs: 'both' },
  nan: { t1: 10, t2: 20, input: 'columns', outputs: 'probabilities', broken: 'nan' },
  'out-of-range': { t1: 10, t2: 20, input: 'columns', outputs: 'label', broken: 'out-of-range' },
};

const VALIDATION_X = [1, 4, 7, 10, 13, 16, 19, 22, 25, 28];
const rows = (xs: number[]) => xs.map((x) => `(${x}, ${(x * 7) % 5}, '${ruleClass(x, 10, 20)}')`).join(', ');

const saved = { ...process.env };
let splits: string;

beforeAll(async () => {
  splits = await writeSplitDirectory(db(), temp.path('splits'), {
    schema: 'x DOUBLE, z DOUBLE, y VARCHAR',
    rows: {
      train: rows(Array.from({ length: 30 }, (_, i) => i)),
      validation: rows(VALIDATION_X),
      test: rows([3, 14, 27]),
    },
    task: 'multiclass',
  });
  await mkdir(temp.path('models'));
  for (const [name, model] of Object.entries(MODELS)) {
    await writeFile(temp.path('models', `${name}.onnx`), ruleModel(model));
  }
  await temp.write('trainer.mjs', TRAINER);
  process.env.BYO_MODELS = temp.path('models');
});

afterAll(() => {
  process.env = saved;
});

function configOf(train: string) {
  return parseConfig(
    `model: bands\ntask: multiclass\ntarget: y\ndata: unused.csv\nfeatures: [x, z]\ntrain:\n  metric: accuracy\n  search: {strategy: grid}\n${train}`,
    'modelgate.yaml',
  );
}

function train(name: string, candidates: string): Promise<TrainingRun> {
  return runTraining(db(), {
    config: configOf(candidates),
    configFile: temp.path('modelgate.yaml'),
    source: { splits },
    workDir: temp.path(`work-${name}`),
  });
}

const accuracyOf = (model: RuleModel) =>
  VALIDATION_X.filter((x) => ruleClass(x, model.t1, model.t2) === ruleClass(x, 10, 20)).length /
  VALIDATION_X.length;

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

describe('command models in the forms torch exports', () => {
  const CANDIDATES = `  candidates:
    - command: node trainer.mjs
      name: torch-mlp
      params: {model: {choice: [int-label, probs-only, packed, both]}}
    - command: node ./trainer.mjs --again
      params: {model: probs-only}
`;
  let run: TrainingRun;
  let written: WrittenOutputs;
  const out = () => temp.path('out');

  beforeAll(async () => {
    run = await train('forms', CANDIDATES);
    written = await writeTrainingResult(db(), out(), run);
  });

  it('scores integer labels as class indices, probabilities-only and packed [N,2] models', () => {
    expect(run.problem.spec.classes).toEqual([...BYO_CLASSES]);
    for (const trial of run.result.trials) {
      const model = MODELS[String(trial.point.params.model)] as RuleModel;
      expect(trial.status, trial.rungs[0]?.error).toBe('ok');
      expect(trial.rungs[0]?.value).toBeCloseTo(accuracyOf(model), 12);
    }
    const best = run.result.trials.find((t) => t.id === run.result.best);
    expect(best?.point.params.model).toBe('int-label');
    // A label-only model has no log_loss; a probabilities model does.
    expect(Object.keys(best?.rungs[0]?.metrics ?? {})).toEqual(['accuracy']);
    const probs = run.result.trials.find((t) => t.point.params.model === 'probs-only');
    expect(Object.keys(probs?.rungs[0]?.metrics ?? {})).toEqual(['accuracy', 'log_loss']);
  });

  it('names a candidate by its name:, else by the command as written', async () => {
    const trials = (await readJson(join(out(), 'trials.json'))) as TrialsFile;
    expect(trials.candidates).toEqual([
      { label: 'torch-mlp', command: 'node trainer.mjs' },
      { label: 'node ./trainer.mjs --again', command: 'node ./trainer.mjs --again' },
    ]);
    const again = trials.trials.find((t) => t.command === 'node ./trainer.mjs --again');
    expect(again?.candidate).toBe('node ./trainer.mjs --again');
    expect(trials.trials.find((t) => t.best)?.candidate).toBe('torch-mlp');
    expect(await readFile(join(out(), 'trials.md'), 'utf8')).toContain('Best: trial 0 (torch-mlp)');
    const metadata = await readJson(join(out(), 'metadata.json'));
    expect(metadata.trainer).toBe('torch-mlp');
    expect(await readJson(join(out(), 'params.json'))).toMatchObject({
      command: 'node trainer.mjs',
      name: 'torch-mlp',
      params: { model: 'int-label' },
    });
    expect((await readJson(join(out(), 'lineage.json'))).trainer).toEqual({
      command: 'node trainer.mjs',
      name: 'torch-mlp',
    });
  });

  it('stamps the spec into the shipped model, so the file alone describes itself', async () => {
    const bytes = new Uint8Array(await readFile(join(out(), 'model.onnx')));
    const metadata = await readJson(join(out(), 'metadata.json'));
    expect(metadata.onnx.sha256).toBe(sha256Hex(bytes));
    expect(written.model.onnx.sha256).toBe(sha256Hex(bytes));
    expect(readOnnxMetadata(bytes)['modelgate.trainer']).toBe('torch-mlp');
    // Away from its metadata.json.
    await copyFile(join(out(), 'model.onnx'), temp.path('alone.onnx'));
    const alone = await openModel(temp.path('alone.onnx'), { registry: temp.path('no-registry') });
    expect(recordedSpec(alone)).toEqual({ spec: run.problem.spec, source: 'onnx-metadata' });
    // The trainer's own file, as it wrote it, records nothing.
    const original = await openModel(join(out(), 'trainer', 'model.onnx'), { registry: temp.path('none') });
    expect(recordedSpec(original)).toBeUndefined();
    expect(metadata.spec).toEqual(run.problem.spec);
  });

  it("keeps every command trial's output under trials/<id>/, the winner's as trainer/", async () => {
    const trials = (await readJson(join(out(), 'trials.json'))) as TrialsFile;
    expect((await readdir(out())).sort()).toEqual([
      'lineage.json',
      'metadata.json',
      'model.onnx',
      'params.json',
      'reference-profile.json',
      'trainer',
      'trials',
      'trials.json',
      'trials.md',
    ]);
    for (const trial of trials.trials) {
      expect(trial.output).toBe(`trials/${trial.id}`);
      const dir = join(out(), 'trials', String(trial.id));
      expect((await readdir(dir)).sort()).toEqual(['ckpt', 'model.onnx', 'output.log', 'params.json']);
      const log = await readFile(join(dir, 'output.log'), 'utf8');
      expect(log).toContain(`epoch 1: loss 0.5 (${trial.params.model}) on 30 rows`);
      expect(log).toContain('a line on stderr');
      expect(await readJson(join(dir, 'params.json'))).toEqual(trial.params);
      expect((await stat(join(dir, 'ckpt', 'epoch-1.bin'))).size).toBe(1024);
    }
    expect(trials.artifacts).toEqual({ keep: true, maxMb: 512, bytes: expect.any(Number), leftOut: [] });
    const best = String(run.result.best);
    expect((await readdir(join(out(), 'trainer'))).sort()).toEqual(
      (await readdir(join(out(), 'trials', best))).sort(),
    );
    const [kept, winner] = await Promise.all([
      stat(join(out(), 'trials', best, 'ckpt', 'epoch-1.bin')),
      stat(join(out(), 'trainer', 'ckpt', 'epoch-1.bin')),
    ]);
    expect(winner.ino).toBe(kept.ino);
    expect(written.warnings).toEqual([]);
  });
});

describe('trial artifacts: the cap and the opt-out', () => {
  it('leaves out a file past train.artifacts.max_mb, lists it with its size and warns', async () => {
    const run = await train(
      'cap',
      `  artifacts: {max_mb: 0.1}
  candidates:
    - command: node trainer.mjs
      params: {model: int-label, ckpt_kb: {choice: [2, 200]}}
`,
    );
    const out = temp.path('out-cap');
    const written = await writeTrainingResult(db(), out, run);
    const big = run.result.trials.find((t) => t.point.params.ckpt_kb === 200)?.id;
    const small = run.result.trials.find((t) => t.point.params.ckpt_kb === 2)?.id;
    const trials = (await readJson(join(out, 'trials.json'))) as TrialsFile;
    expect(trials.artifacts?.leftOut).toEqual([
      { trial: big, path: `trials/${big}/ckpt/epoch-1.bin`, bytes: 200 * 1024 },
    ]);
    expect(trials.artifacts?.maxMb).toBe(0.1);
    await expect(stat(join(out, 'trials', String(big), 'ckpt', 'epoch-1.bin'))).rejects.toThrow();
    expect((await stat(join(out, 'trials', String(small), 'ckpt', 'epoch-1.bin'))).size).toBe(2048);
    expect(await readFile(join(out, 'trials', String(big), 'output.log'), 'utf8')).toContain('epoch 1');
    expect(written.warnings).toHaveLength(1);
    expect(written.warnings[0]).toMatch(
      new RegExp(
        `^1 trial file \\(0\\.2 MB\\) left out of trials/ to stay within train\\.artifacts\\.max_mb 0\\.1: trials/${big}/ckpt/epoch-1\\.bin \\(0\\.2 MB\\)`,
      ),
    );
    expect(await readFile(join(out, 'trials.md'), 'utf8')).toContain(
      `> Left out (train.artifacts.max_mb 0.1): \`trials/${big}/ckpt/epoch-1.bin\` (0.2 MB)`,
    );
  });

  it('keeps nothing with keep: false', async () => {
    const run = await train(
      'nokeep',
      `  artifacts: {keep: false}
  candidates:
    - command: node trainer.mjs
      params: {model: int-label}
`,
    );
    const out = temp.path('out-nokeep');
    await writeTrainingResult(db(), out, run);
    expect(await readdir(out)).not.toContain('trials');
    expect(await readdir(out)).not.toContain('trainer');
    const trials = (await readJson(join(out, 'trials.json'))) as TrialsFile;
    expect(trials.artifacts).toEqual({ keep: false, maxMb: 512, bytes: 0, leftOut: [] });
    expect(trials.trials[0]?.output).toBeUndefined();
  });
});

describe('when every command trial fails', () => {
  it("lists every trial's reason, and still writes trials.json, trials.md and the trials' output", async () => {
    const run = await train(
      'failing',
      `  candidates:
    - command: node trainer.mjs
      name: broken
      params: {model: {choice: [exit, none, nan, out-of-range]}}
`,
    );
    const out = temp.path('out-failing');
    // A previous run's outputs: its model must not stay beside records saying nothing succeeded.
    await mkdir(join(out, 'trials', '9'), { recursive: true });
    await writeFile(join(out, 'trials', '9', 'output.log'), 'an old run');
    await writeFile(join(out, 'model.onnx'), 'an old model');
    await writeFile(join(out, 'metadata.json'), '{}');
    await writeFile(join(out, 'notes.txt'), 'the user’s own file');
    const error = (await writeTrainingResult(db(), out, run).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    const lines = [error.message, ...error.details.map((d) => `  ${d}`)];
    expect(lines[0]).toBe(
      `all 4 trials failed. No model was written; the trials are in ${join(out, 'trials.json')} and trials.md, each command trial's output under ${join(out, 'trials')}/<id>/.`,
    );
    expect(lines.slice(1)).toEqual([
      "  trial 0 (broken): command 'node trainer.mjs' failed (exit code 3). Last output: RuntimeError: CUDA out of memory",
      `  trial 1 (broken): command 'node trainer.mjs' finished but wrote no model.onnx into $MODELGATE_OUTPUT_DIR (${join(temp.path('work-failing'), 'trial-1')}). Last output: ${lines[2]?.split('Last output: ')[1]}`,
      expect.stringMatching(
        /^ {2}trial 2 \(broken\): .*model output 'probabilities' gave NaN at element 0, expected finite probabilities/,
      ),
      expect.stringMatching(
        /^ {2}trial 3 \(broken\): .*model output 'label' gave 6, expected a class index from 0 to 2 \(classes: hi, lo, mid\)/,
      ),
    ]);
    expect((await readdir(out)).sort()).toEqual(['notes.txt', 'trials', 'trials.json', 'trials.md']);
    expect((await readdir(join(out, 'trials'))).sort()).toEqual(['0', '1', '2', '3']);
    const trials = (await readJson(join(out, 'trials.json'))) as TrialsFile;
    expect(trials.best).toBeNull();
    expect(trials.trials.map((t) => [t.id, t.status, t.output])).toEqual([
      [0, 'failed', 'trials/0'],
      [1, 'failed', 'trials/1'],
      [2, 'failed', 'trials/2'],
      [3, 'failed', 'trials/3'],
    ]);
    expect(await readFile(join(out, 'trials', '0', 'output.log'), 'utf8')).toContain(
      'RuntimeError: CUDA out of memory',
    );
    const md = await readFile(join(out, 'trials.md'), 'utf8');
    expect(md).toContain('No trial succeeded.');
    expect(md).toContain('Trial 3 (broken):');
  });
});

describe('plan, trial, collect with a command', () => {
  it('hands every job the CSV splits from the plan and keeps each trial’s output through collect', async () => {
    const planDir = temp.path('plan');
    const config = configOf(`  candidates:
    - command: node trainer.mjs
      name: torch-mlp
      params: {model: {choice: [probs-only, int-label]}}
`);
    const plan = await writeTrainPlan(db(), planDir, {
      config,
      configFile: temp.path('modelgate.yaml'),
      source: { splits },
    });
    expect((await readdir(join(planDir, 'splits'))).sort()).toEqual([
      'splits.json',
      'test.csv',
      'test.parquet',
      'train.csv',
      'train.parquet',
      'validation.csv',
      'validation.parquet',
    ]);
    expect(plan.trials.map((t) => t.label)).toEqual(['torch-mlp', 'torch-mlp']);
    for (const id of [0, 1]) {
      // Twice: a rerun of a matrix job replaces its output/.
      for (let i = 0; i < 2; i++) await runMatrixJob(db(), plan, planDir, id);
      const output = join(plannedTrialDir(planDir, id), 'output');
      expect((await readdir(output)).sort()).toEqual(['ckpt', 'model.onnx', 'output.log', 'params.json']);
    }
    // A plan without CSV splits (made before they existed): the job writes its own.
    for (const split of ['train', 'validation', 'test']) await rm(join(planDir, 'splits', `${split}.csv`));
    await runMatrixJob(db(), plan, planDir, 0);
    expect(await readFile(join(plannedTrialDir(planDir, 0), 'output', 'output.log'), 'utf8')).toContain(
      '(probs-only) on 30 rows',
    );
    expect(await readdir(plannedTrialDir(planDir, 0))).toEqual(['model.onnx', 'output', 'result.json']);
    const collected = await collectPlan(db(), planDir);
    const out = temp.path('out-plan');
    await writeTrainingResult(db(), out, collected);
    const trials = (await readJson(join(out, 'trials.json'))) as TrialsFile;
    expect(trials.trials.map((t) => [t.id, t.output])).toEqual([
      [1, 'trials/1'],
      [0, 'trials/0'],
    ]);
    expect(await readFile(join(out, 'trials', '1', 'output.log'), 'utf8')).toContain('(int-label)');
    expect((await readdir(join(out, 'trainer'))).sort()).toEqual([
      'ckpt',
      'model.onnx',
      'output.log',
      'params.json',
    ]);
    const model = new Uint8Array(await readFile(join(out, 'model.onnx')));
    expect(readOnnxMetadata(model)['modelgate.trainer']).toBe('torch-mlp');
  });
});
