import type { CategoricalColumn, ColumnData, NumericColumn } from '@modelgate/core';
import { createSession, readOnnxMetadata, readSignature, runOnColumns, Tensor } from '@modelgate/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { useDatabase } from '../../core/test/fixtures.js';
import { GbdtModel, gbdtTrainer } from '../src/gbdt/index.js';
import type { Params, Predictions, ProblemSpec, TrainingSet } from '../src/types.js';
import { PENGUIN_TASKS, type PreparedTask, prepareTask } from './gbdt-data.js';

/** The set plus one row with every feature missing (null numbers, null categories). */
function withAllMissingRow(set: TrainingSet): TrainingSet {
  const features = set.features.map((column): ColumnData => {
    if ('codes' in column) return { ...column, codes: Int32Array.from([...column.codes, -1]) };
    return {
      ...column,
      values: Float64Array.from([...column.values, Number.NaN]),
      valid: Uint8Array.from([...column.valid, 0]),
    };
  });
  const target =
    set.target instanceof Int32Array
      ? Int32Array.from([...set.target, 0])
      : Float64Array.from([...set.target, 0]);
  return { rows: set.rows + 1, features: features as TrainingSet['features'], target };
}

function maxAbsDiff(a: ArrayLike<number> | undefined, b: ArrayLike<number> | undefined): number {
  expect(a?.length).toBe(b?.length);
  let max = 0;
  for (let i = 0; i < (a?.length ?? 0); i++)
    max = Math.max(max, Math.abs((a?.[i] as number) - (b?.[i] as number)));
  return max;
}

async function expectOnnxAgrees(
  spec: ProblemSpec,
  model: { predict(s: TrainingSet): Predictions; toOnnx(s: ProblemSpec): Uint8Array },
  set: TrainingSet,
) {
  const session = await createSession(model.toOnnx(spec));
  const onnx = await runOnColumns(session, spec, set);
  const memory = model.predict(set);
  if (spec.task === 'regression') {
    expect(maxAbsDiff(onnx.prediction, memory.prediction)).toBeLessThanOrEqual(1e-5);
  } else {
    expect(maxAbsDiff(onnx.probabilities, memory.probabilities)).toBeLessThanOrEqual(1e-5);
    expect(Array.from(onnx.label ?? [])).toEqual(Array.from(memory.label ?? []));
  }
  return session;
}

describe('gbdt ONNX export agrees with in-memory predict (onnxruntime-node)', () => {
  const db = useDatabase();
  const tasks = {} as Record<keyof typeof PENGUIN_TASKS, PreparedTask>;
  beforeAll(async () => {
    for (const [name, options] of Object.entries(PENGUIN_TASKS)) {
      tasks[name as keyof typeof PENGUIN_TASKS] = await prepareTask(db(), options);
    }
  });

  for (const name of Object.keys(PENGUIN_TASKS) as (keyof typeof PENGUIN_TASKS)[]) {
    it(`penguins ${name}: every split plus an all-missing row`, async () => {
      const task = tasks[name];
      const model = await gbdtTrainer.fit(task.spec, task.train, task.validation, {}, { seed: 3 });
      for (const set of [task.train, task.validation, withAllMissingRow(task.test)]) {
        await expectOnnxAgrees(task.spec, model, set);
      }
    });
  }

  it('exports a model without trees (the prior alone)', async () => {
    const task = tasks.binary;
    const trained = (await gbdtTrainer.fit(
      task.spec,
      task.train,
      task.validation,
      { rounds: 1 },
      { seed: 3 },
    )) as GbdtModel;
    const prior = new GbdtModel(task.spec, trained.mapper, { ...trained.ensemble, trees: [] }, {});
    await expectOnnxAgrees(task.spec, prior, task.test);
    const p = prior.predict(task.test).probabilities?.[1] as number;
    expect(p).toBeCloseTo(Array.from(task.train.target).filter((y) => y === 1).length / task.train.rows, 5);
  });

  it('has the contract signature and metadata, and routes an unseen category like a missing one', async () => {
    const task = tasks.multiclass;
    const model = await gbdtTrainer.fit(task.spec, task.train, task.validation, {}, { seed: 3 });
    const bytes = model.toOnnx(task.spec);
    const session = await createSession(bytes);
    const signature = readSignature(session);
    expect(signature.inputs).toEqual(
      task.spec.features.map((f) => ({
        name: f.name,
        type: f.kind === 'numeric' ? 'float32' : 'string',
        shape: [-1, 1],
      })),
    );
    expect(signature.outputs).toEqual([
      { name: 'probabilities', type: 'float32', shape: [-1, 3] },
      { name: 'label', type: 'string', shape: [-1] },
    ]);
    const metadata = readOnnxMetadata(bytes);
    expect(metadata['modelgate.algorithm']).toBe('gbdt');
    expect(metadata['modelgate.task']).toBe('multiclass');
    expect(JSON.parse(metadata['modelgate.classes'] ?? '[]')).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);

    // Island 'Atlantis' was never seen and Sex is empty: both must act as missing.
    const feeds: Record<string, Tensor> = {};
    const numbers = [Number.NaN, 45.1, 14.5, 215, 5000];
    let n = 0;
    for (const f of task.spec.features) {
      feeds[f.name] =
        f.kind === 'numeric'
          ? new Tensor('float32', Float32Array.of(numbers[n++] as number), [1, 1])
          : new Tensor('string', [f.name === 'Island' ? 'Atlantis' : ''], [1, 1]);
    }
    const result = await session.run(feeds);
    const probe: TrainingSet = {
      rows: 1,
      features: task.spec.features.map((_, i): ColumnData => {
        const column = task.test.features[i] as ColumnData;
        if ('codes' in column) return { ...column, codes: Int32Array.of(-1) };
        const v = numbers[
          task.spec.features.slice(0, i).filter((g) => g.kind === 'numeric').length
        ] as number;
        return { ...column, values: Float64Array.of(v), valid: Uint8Array.of(Number.isNaN(v) ? 0 : 1) };
      }) as TrainingSet['features'],
      target: Int32Array.of(0),
    };
    const memory = model.predict(probe);
    expect(maxAbsDiff(result.probabilities?.data as Float32Array, memory.probabilities)).toBeLessThanOrEqual(
      1e-5,
    );
    expect(result.label?.data[0]).toBe(task.spec.classes?.[memory.label?.[0] as number]);
  });
});

/** A seeded stream of numbers in [0, 1). */
function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('gbdt ONNX export on synthetic data with missing values in training', () => {
  // Missing numbers and categories carry signal, so splits send missing both ways, split
  // "present vs missing", and put the missing category inside categorical subsets.
  const n = 3000;
  const next = stream(11);
  const categories = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'];
  const x: number[] = [];
  const xMissing: boolean[] = [];
  const z: number[] = [];
  const codes: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const missX = next() < 0.2;
    const v = next() * 10;
    const code = next() < 0.15 ? -1 : Math.floor(next() * categories.length);
    const w = next() * 4 - 2;
    x.push(v);
    xMissing.push(missX);
    z.push(w);
    codes.push(code);
    const fromX = missX ? 3 : v > 6 ? 2 : 0;
    const fromC = code === -1 ? -2 : code % 3 === 0 ? 1.5 : 0;
    y.push(fromX + fromC + w * 0.5 + next() * 0.3);
  }
  const columns = (rows: number[]): TrainingSet['features'] => [
    {
      kind: 'numeric',
      name: 'x',
      values: Float64Array.from(rows, (i) => (xMissing[i] ? Number.NaN : Math.fround(x[i] as number))),
      valid: Uint8Array.from(rows, (i) => (xMissing[i] ? 0 : 1)),
    } satisfies NumericColumn,
    {
      kind: 'categorical',
      name: 'c',
      codes: Int32Array.from(rows, (i) => codes[i] as number),
      dictionary: categories,
    } satisfies CategoricalColumn,
    {
      kind: 'numeric',
      name: 'z',
      values: Float64Array.from(rows, (i) => Math.fround(z[i] as number)),
      valid: Uint8Array.from(rows, () => 1),
    } satisfies NumericColumn,
  ];
  const all = Array.from({ length: n }, (_, i) => i);
  const trainRows = all.filter((i) => i % 5 !== 0);
  const testRows = all.filter((i) => i % 5 === 0);
  const features: ProblemSpec['features'] = [
    { name: 'x', kind: 'numeric' },
    { name: 'c', kind: 'categorical', categories },
    { name: 'z', kind: 'numeric' },
  ];

  const cases: [ProblemSpec['task'], Params][] = [
    ['regression', { max_bins: 16 }],
    ['binary', { max_cat_bins: 4 }],
    ['multiclass', { l2: 1, max_leaves: 8 }],
  ];
  for (const [task, params] of cases) {
    it(`${task} with ${JSON.stringify(params)}`, async () => {
      const cut = (v: number) => (task === 'binary' ? (v > 2 ? 1 : 0) : v > 3.5 ? 2 : v > 1 ? 1 : 0);
      const target = (rows: number[]) =>
        task === 'regression'
          ? Float64Array.from(rows, (i) => y[i] as number)
          : Int32Array.from(rows, (i) => cut(y[i] as number));
      const spec: ProblemSpec = {
        task,
        target: 'y',
        features,
        ...(task === 'binary'
          ? { classes: ['no', 'yes'] }
          : task === 'multiclass'
            ? { classes: ['low', 'mid', 'high'] }
            : {}),
      };
      const train: TrainingSet = {
        rows: trainRows.length,
        features: columns(trainRows),
        target: target(trainRows),
      };
      const test: TrainingSet = {
        rows: testRows.length,
        features: columns(testRows),
        target: target(testRows),
      };
      const model = (await gbdtTrainer.fit(
        spec,
        train,
        test,
        { rounds: 30, ...params },
        { seed: 1 },
      )) as GbdtModel;
      const trees = model.ensemble.trees;
      const splitsOf = (pick: (t: (typeof trees)[number], node: number) => boolean) =>
        trees.some((t) => Array.from(t.feature).some((f, node) => f >= 0 && pick(t, node)));
      expect(splitsOf((t, node) => t.missingLeft[node] === 1)).toBe(true);
      expect(splitsOf((t, node) => t.missingLeft[node] === 0)).toBe(true);
      expect(splitsOf((t, node) => (t.categories[node]?.length ?? 0) > 1)).toBe(true);
      expect(splitsOf((t, node) => t.thresholdBin[node] === -1 && t.missingLeft[node] === 1)).toBe(true);
      const bins = model.mapper.features[0]?.bins as number;
      expect(splitsOf((t, node) => t.feature[node] === 0 && t.thresholdBin[node] === bins - 1)).toBe(true);
      await expectOnnxAgrees(spec, model, train);
      await expectOnnxAgrees(spec, model, withAllMissingRow(test));
    });
  }
});
