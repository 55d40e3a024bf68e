import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type NumericColumn, UserError, withStagedOutputs } from '@modelgate/core';
import {
  createSession,
  openModel,
  readOnnxMetadata,
  readSignature,
  recordedSpec,
  runOnColumns,
} from '@modelgate/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { expectUserError, useDatabase, useTempDir } from '../../core/test/fixtures.js';
import { PREPROCESS_METADATA_KEY } from '../src/compose/index.js';
import { prepareProblem } from '../src/data/index.js';
import type { FeatureMap } from '../src/preprocess/index.js';
import {
  collectPlan,
  ENCODED_MODEL_FILE,
  plannedTrialDir,
  runTraining,
  type TrainingRun,
  type TrialsFile,
  writePlan,
  writeTrainingResult,
} from '../src/run/index.js';
import type { ProblemSpec, TrainingSet } from '../src/types.js';
import { configFor, runMatrixJob, writeSplitDirectory, writeTrainPlan } from './train-fixtures.js';

const db = useDatabase();
const temp = useTempDir('train-encoded');

const ONNX_PROTO = createRequire(import.meta.url).resolve('@modelgate/core/onnx-proto');

/**
 * A user's trainer in node, reading only what the contract gives it: the
 * encoded training CSV and the feature map. It fits a nearest-centroid
 * classifier (logits = x·m_c - |m_c|²/2) and exports it as a packed [N, F]
 * model, as torch would; MODELGATE_PARAM_EXTRA widens its input to test refusal.
 */
const TRAINER = `
import { readFileSync, writeFileSync } from 'node:fs';
import { onnx } from ${JSON.stringify(ONNX_PROTO)};
const env = process.env;
const out = env.MODELGATE_OUTPUT_DIR;
writeFileSync(out + '/env.json', JSON.stringify(Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('MODELGATE_')))));
const map = JSON.parse(readFileSync(env.MODELGATE_FEATURE_MAP, 'utf8'));
const names = JSON.parse(env.MODELGATE_ENCODED_FEATURES);
const [header, ...lines] = readFileSync(env.MODELGATE_ENCODED_TRAIN_CSV, 'utf8').trim().split('\\n');
if (header !== [...names, env.MODELGATE_TARGET].join(',')) throw new Error('header ' + header);
const F = map.width, C = map.target.classes.length, width = F + Number(env.MODELGATE_PARAM_EXTRA ?? 0);
const sums = Array.from({ length: C }, () => new Float64Array(F)), counts = new Array(C).fill(0);
for (const line of lines) {
  const cells = line.split(',').map(Number);
  const y = cells[F];
  counts[y]++;
  for (let j = 0; j < F; j++) sums[y][j] += cells[j];
}
const weights = new Float32Array(width * C), bias = new Float32Array(C);
for (let c = 0; c < C; c++) for (let j = 0; j < F; j++) {
  const m = sums[c][j] / counts[c];
  weights[j * C + c] = m;
  bias[c] -= (m * m) / 2;
}
const tensor = (name, data, dims) => ({ name, dims, dataType: 1, rawData: new Uint8Array(data.buffer) });
const value = (name, elemType, dims) => ({ name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } });
const int = (name, i) => ({ name, type: 2, i });
const model = {
  irVersion: 7,
  producerName: 'node-centroids',
  opsetImport: [{ domain: '', version: 13 }],
  graph: {
    name: 'centroids',
    node: [
      { opType: 'MatMul', input: ['x', 'W'], output: ['xw'] },
      { opType: 'Add', input: ['xw', 'b'], output: ['logits'] },
      { opType: 'Softmax', input: ['logits'], output: ['probabilities'], attribute: [int('axis', 1)] },
      { opType: 'ArgMax', input: ['logits'], output: ['label'], attribute: [int('axis', 1), int('keepdims', 0)] },
    ],
    initializer: [tensor('W', weights, [width, C]), tensor('b', bias, [C])],
    input: [value('x', 1, ['batch', width])],
    output: [value('probabilities', 1, ['batch', C]), value('label', 7, ['batch'])],
  },
};
writeFileSync(out + '/model.onnx', onnx.ModelProto.encode(model).finish());
console.log('centroids of ' + lines.length + ' rows, ' + F + ' columns');
`;

const candidates = (extra: string) => `train:
  metric: accuracy
  search: {strategy: grid}
  candidates:
${extra}`;

const ENCODED = candidates(`    - command: node trainer.mjs
      name: centroids
      preprocess: encoded
    - command: node trainer.mjs
      name: centroids-ordinal
      preprocess: { categorical: ordinal, numeric: impute }
`);

const penguins = (extra: string) =>
  configFor('multiclass', `split: { validation: 0.2, test: 0.2, seed: 20 }\n${extra}`, 'Species');

const saved = { ...process.env };
let run: TrainingRun;
const splits = () => temp.path('splits');

beforeAll(async () => {
  await temp.write('trainer.mjs', TRAINER);
  run = await runTraining(db(), {
    config: penguins(ENCODED),
    configFile: temp.path('modelgate.yaml'),
    source: { data: { path: dataset('penguins.json') }, out: splits() },
    workDir: temp.path('work'),
    // Worker processes: the encoded splits reach them with the rest of the trial environment.
    parallel: 2,
  });
}, 60_000);
afterAll(() => {
  process.env = saved;
});

/** The encoded matrix in a CSV the command got, as a set of numeric columns (float32 read back). */
async function encodedCsv(path: string, spec: ProblemSpec): Promise<{ spec: ProblemSpec; set: TrainingSet }> {
  const [header = '', ...lines] = (await readFile(path, 'utf8')).trimEnd().split('\n');
  const names = header.split(',').slice(0, -1);
  const cells = lines.map((line) => line.split(',').map(Number));
  const features = names.map(
    (name, j): NumericColumn => ({
      kind: 'numeric',
      name,
      values: Float64Array.from(cells, (row) => Math.fround(row[j] as number)),
      valid: new Uint8Array(cells.length).fill(1),
    }),
  );
  return {
    spec: { ...spec, features: names.map((name) => ({ name, kind: 'numeric' })) },
    set: { rows: cells.length, target: Int32Array.from(cells, (row) => row.at(-1) as number), features },
  };
}

async function predictions(model: string | Uint8Array, spec: ProblemSpec, set: TrainingSet) {
  const session = await createSession(model, { intraOpNumThreads: 1 });
  try {
    return await runOnColumns(session, spec, set);
  } finally {
    await session.release();
  }
}

describe('a command with preprocess: encoded', () => {
  it('gets the encoded splits (CSV and Parquet) and the feature map named in its environment', async () => {
    expect(run.result.trials.map((t) => [t.status, t.rungs[0]?.error])).toEqual([
      ['ok', undefined],
      ['ok', undefined],
    ]);
    // Centroids need standardised columns: unscaled, body mass in grams outweighs the rest.
    expect(run.result.trials.map((t) => (t.rungs[0]?.value ?? 0) > 0.9)).toEqual([true, false]);
    const env = JSON.parse(await readFile(join(temp.path('work'), 'trial-0', 'env.json'), 'utf8'));
    const map = JSON.parse(await readFile(env.MODELGATE_FEATURE_MAP, 'utf8')) as FeatureMap;
    expect(map.encoding).toEqual({ categorical: 'onehot', numeric: 'standardize' });
    expect(JSON.parse(env.MODELGATE_ENCODED_FEATURES)).toEqual(map.columns.map((c) => c.name));
    for (const split of ['TRAIN', 'VALIDATION', 'TEST']) {
      expect(env[`MODELGATE_ENCODED_${split}`]).toMatch(/encoded\/onehot-standardize\/\w+\.parquet$/);
      expect(env[`MODELGATE_ENCODED_${split}_CSV`]).toMatch(/encoded\/onehot-standardize\/\w+\.csv$/);
      // The raw splits are still there.
      expect(env[`MODELGATE_${split}_CSV`]).toMatch(/\.csv$/);
    }
    const ordinal = JSON.parse(await readFile(join(temp.path('work'), 'trial-1', 'env.json'), 'utf8'));
    const ordinalMap = JSON.parse(await readFile(ordinal.MODELGATE_FEATURE_MAP, 'utf8')) as FeatureMap;
    expect(ordinalMap.encoding).toEqual({ categorical: 'ordinal', numeric: 'impute' });
    expect(ordinalMap.width).toBe(map.width - 6);
  });

  it('the registered model takes raw columns and gives the command model’s outputs on the encoded rows', async () => {
    const out = temp.path('out');
    await writeTrainingResult(db(), out, run);
    const { spec } = run.problem;
    const model = join(out, 'model.onnx');
    const session = await createSession(model);
    expect(readSignature(session).inputs.map((i) => [i.name, i.type])).toEqual(
      spec.features.map((f) => [f.name, f.kind === 'numeric' ? 'float32' : 'string']),
    );
    await session.release();
    const opened = await openModel(model, { registry: temp.path('none') });
    expect(recordedSpec(opened)).toEqual({ spec, source: 'onnx-metadata' });
    const bytes = new Uint8Array(await readFile(model));
    expect(JSON.parse(readOnnxMetadata(bytes)[PREPROCESS_METADATA_KEY] ?? '{}').input).toBe('x');
    const best = run.result.best as number;
    const trainer = (await readdir(join(out, 'trainer'))).sort();
    expect(trainer).toEqual(
      expect.arrayContaining([
        ENCODED_MODEL_FILE,
        'feature-map.json',
        'model.onnx',
        'output.log',
        'params.json',
      ]),
    );
    const env = JSON.parse(await readFile(join(out, 'trainer', 'env.json'), 'utf8'));
    // The test split: raw rows (one without measurements) through the composed model, encoded
    // rows as the CSV gave them through the command's own model.
    const encoded = await encodedCsv(env.MODELGATE_ENCODED_TEST_CSV, spec);
    const direct = await predictions(join(out, 'trainer', ENCODED_MODEL_FILE), encoded.spec, encoded.set);
    const raw = await predictions(model, spec, run.problem.sets.test);
    expect(raw.label).toEqual(direct.label);
    const gap = Array.from(raw.probabilities ?? []).reduce(
      (m, p, i) => Math.max(m, Math.abs(p - (direct.probabilities?.[i] ?? Number.NaN))),
      0,
    );
    expect(gap).toBeLessThanOrEqual(1e-6);
    const trials = JSON.parse(await readFile(join(out, 'trials.json'), 'utf8')) as TrialsFile;
    expect(trials.candidates.map((c) => c.preprocess)).toEqual([
      { categorical: 'onehot', numeric: 'standardize' },
      { categorical: 'ordinal', numeric: 'impute' },
    ]);
    expect(trials.trials.find((t) => t.id === best)?.info.encoded_columns).toBeGreaterThan(0);
  });

  it('a model whose input is not the feature map’s width fails its trial, naming the tensor', async () => {
    const failed = await runTraining(db(), {
      config: penguins(
        candidates(`    - command: node trainer.mjs
      preprocess: encoded
      params: {extra: 1}
`),
      ),
      configFile: temp.path('modelgate.yaml'),
      source: { splits: splits() },
      workDir: temp.path('work-wide'),
    });
    const error = failed.result.trials[0]?.rungs[0]?.error ?? '';
    expect(error.split('\n')[0]).toMatch(
      /model\.onnx: input 'x' is \[batch, 17\], 17 columns, but \$MODELGATE_FEATURE_MAP has 16; expected one float32 input \[N, 16\]/,
    );
    expect(error).toContain('centroids of');
    const written = (await writeTrainingResult(db(), temp.path('out-wide'), failed).catch(
      (e: unknown) => e,
    )) as UserError;
    expect(written).toBeInstanceOf(UserError);
    expect(written.message).toMatch(/^all 1 trials failed/);
    expect(written.details[0]).toMatch(
      /^trial 0 \(node trainer\.mjs\): .*model\.onnx: input 'x' is \[batch, 17\], 17 columns, but \$MODELGATE_FEATURE_MAP has 16;/,
    );
  });

  it('a constant feature cannot be standardised: the run stops before any trial, naming it', async () => {
    const constant = await writeSplitDirectory(db(), temp.path('splits-constant'), {
      schema: 'x DOUBLE, k DOUBLE, y VARCHAR',
      rows: {
        train: `(1, 7, 'p'), (2, 7, 'q'), (3, 7, 'p'), (4, 7, 'q')`,
        validation: `(5, 7, 'p'), (6, 7, 'q')`,
        test: `(7, 7, 'p')`,
      },
    });
    const config = configFor(
      'binary',
      candidates(`    - command: node trainer.mjs\n      preprocess: encoded\n`),
    );
    await expectUserError(
      runTraining(db(), {
        config,
        configFile: temp.path('modelgate.yaml'),
        source: { splits: constant },
        workDir: temp.path('work-constant'),
      }),
      /^feature 'k' is constant in the training split \(every value is 7\)/,
    );
    // A plan for a matrix refuses it too, before any job runs.
    await expectUserError(
      withStagedOutputs(temp.path('plan-constant'), (dir) =>
        writePlan(db(), dir, {
          config,
          configFile: temp.path('modelgate.yaml'),
          source: { splits: constant },
        }),
      ),
      /^feature 'k' is constant in the training split/,
    );
    // The built-in trainers are not affected by what only the encoded splits refuse.
    const problem = await prepareProblem(db(), config, { splits: constant });
    expect(problem.spec.features.map((f) => f.name)).toEqual(['x', 'k']);
  });

  it('plan, trial, collect: each matrix job encodes the plan’s splits alike and ships the composed model', async () => {
    const planDir = temp.path('plan');
    const config = penguins(
      candidates(`    - command: node trainer.mjs\n      name: centroids\n      preprocess: encoded\n`),
    );
    const plan = await writeTrainPlan(db(), planDir, {
      config,
      configFile: temp.path('modelgate.yaml'),
      source: { splits: splits() },
    });
    await runMatrixJob(db(), plan, planDir, 0);
    expect((await readdir(join(plannedTrialDir(planDir, 0), 'output'))).sort()).toEqual(
      ['env.json', 'feature-map.json', ENCODED_MODEL_FILE, 'model.onnx', 'output.log', 'params.json'].sort(),
    );
    const out = temp.path('out-plan');
    await writeTrainingResult(db(), out, await collectPlan(db(), planDir));
    const shipped = new Uint8Array(await readFile(join(out, 'model.onnx')));
    const composed = new Uint8Array(await readFile(join(temp.path('out'), 'model.onnx')));
    // The same encoding and the same trainer: the same model as the single-runner search.
    expect(readOnnxMetadata(shipped)[PREPROCESS_METADATA_KEY]).toBe(
      readOnnxMetadata(composed)[PREPROCESS_METADATA_KEY],
    );
    const raw = await predictions(shipped, run.problem.spec, run.problem.sets.test);
    expect(raw).toEqual(await predictions(composed, run.problem.spec, run.problem.sets.test));
  });
});
