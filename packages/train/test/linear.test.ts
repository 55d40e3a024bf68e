import type { CategoricalColumn, ColumnData } from '@modelgate/core';
import { createSession, readOnnxMetadata, readSignature, runOnColumns, Tensor } from '@modelgate/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectUserError, useDatabase } from '../../core/test/fixtures.js';
import { type LinearTrainedModel, linearTrainer, logisticTrainer } from '../src/linear/index.js';
import type { Predictions, ProblemSpec, Trainer, TrainingSet } from '../src/types.js';
import { buildProblem, PENGUINS_CSV, type ProblemDefinition, readCsvColumns } from './linear-data.js';

const MEASURES = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)'];
const multiclass: ProblemDefinition = {
  task: 'multiclass',
  target: 'Species',
  features: ['Island', ...MEASURES, 'Body Mass (g)', 'Sex'],
};
const binary: ProblemDefinition = {
  task: 'binary',
  target: 'Sex',
  classes: ['FEMALE', 'MALE'],
  features: ['Species', 'Island', ...MEASURES, 'Body Mass (g)'],
};
const regression: ProblemDefinition = {
  task: 'regression',
  target: 'Body Mass (g)',
  features: ['Species', 'Island', ...MEASURES, 'Sex'],
};
const everyThird = (row: number) => (row % 3 === 0 ? 'test' : 'train');

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

async function expectOnnxMatches(
  trainer: Trainer,
  spec: ProblemSpec,
  train: TrainingSet,
  test: TrainingSet,
): Promise<Predictions> {
  const model = await trainer.fit(spec, train, undefined, {}, { seed: 7 });
  const expected = model.predict(test);
  const session = await createSession(model.toOnnx(spec), { intraOpNumThreads: 1 });
  const actual = await runOnColumns(session, spec, test);
  if (spec.task === 'regression') {
    expect(maxAbsDiff(actual.prediction ?? [], expected.prediction ?? [])).toBeLessThanOrEqual(1e-5);
  } else {
    expect(maxAbsDiff(actual.probabilities ?? [], expected.probabilities ?? [])).toBeLessThanOrEqual(1e-5);
    expect(actual.label).toEqual(expected.label);
  }
  return expected;
}

/** The set with every row twice. */
function doubled(set: TrainingSet): TrainingSet {
  const twice = <T extends Float64Array | Int32Array | Uint8Array>(a: T): T => {
    const out = new (a.constructor as new (n: number) => T)(a.length * 2);
    out.set(a);
    out.set(a, a.length);
    return out;
  };
  return {
    rows: set.rows * 2,
    features: set.features.map((c) =>
      'codes' in c
        ? { ...c, codes: twice(c.codes) }
        : { ...c, values: twice(c.values), valid: twice(c.valid) },
    ),
    target: twice(set.target),
  };
}

function hasNull(set: TrainingSet, name: string): boolean {
  const column = set.features.find((c) => c.name === name) as ColumnData;
  return 'codes' in column ? column.codes.includes(-1) : column.valid.includes(0);
}

describe('logistic and linear trainers', () => {
  const db = useDatabase();
  let columns: ColumnData[];
  beforeAll(async () => {
    columns = await readCsvColumns(db(), PENGUINS_CSV);
  });

  it('multiclass: ONNX equals in-memory predictions, nulls included', async () => {
    const { spec, train, test } = buildProblem(columns, multiclass, everyThird);
    expect(hasNull(test, 'Beak Length (mm)') && hasNull(test, 'Sex')).toBe(true);
    const predicted = await expectOnnxMatches(logisticTrainer, spec, train, test);
    const target = test.target as Int32Array;
    const correct = (predicted.label ?? []).filter((label, i) => label === target[i]).length;
    expect(correct / test.rows).toBeGreaterThan(0.95);
  });

  it('binary: ONNX equals in-memory predictions', async () => {
    const { spec, train, test } = buildProblem(columns, binary, everyThird);
    const predicted = await expectOnnxMatches(logisticTrainer, spec, train, test);
    const p = predicted.probabilities ?? new Float32Array();
    for (let i = 0; i < test.rows; i++)
      expect((p[2 * i] as number) + (p[2 * i + 1] as number)).toBeCloseTo(1, 6);
  });

  it('regression: ONNX equals in-memory predictions', async () => {
    const { spec, train, test } = buildProblem(columns, regression, everyThird);
    const predicted = await expectOnnxMatches(linearTrainer, spec, train, test);
    const target = test.target as Float64Array;
    const mse =
      target.reduce((sum, y, i) => sum + (y - (predicted.prediction?.[i] ?? 0)) ** 2, 0) / test.rows;
    expect(Math.sqrt(mse)).toBeLessThan(400);
  });

  it('an island unseen in training encodes as all zeros, like a missing one', async () => {
    const island = columns.find((c) => c.name === 'Island') as CategoricalColumn;
    const torgersen = island.dictionary.indexOf('Torgersen');
    const split = (row: number) => (island.codes[row] === torgersen ? 'test' : everyThird(row));
    const { spec, train, test } = buildProblem(columns, multiclass, split);
    expect(spec.features[0]?.categories).toEqual(['Biscoe', 'Dream']);
    const model = await logisticTrainer.fit(spec, train, undefined, {}, { seed: 7 });
    await expectOnnxMatches(logisticTrainer, spec, train, test);
    const session = await createSession(model.toOnnx(spec));
    const feeds = (islandValue: string) => ({
      Island: new Tensor('string', [islandValue], [1, 1]),
      Sex: new Tensor('string', ['MALE'], [1, 1]),
      ...Object.fromEntries(
        [...MEASURES, 'Body Mass (g)'].map((name, j) => [
          name,
          new Tensor('float32', Float32Array.of([39, 18, 190, 3700][j] as number), [1, 1]),
        ]),
      ),
    });
    const unseen = await session.run(feeds('Torgersen'));
    const empty = await session.run(feeds(''));
    expect(Array.from(unseen.probabilities?.data as Float32Array)).toEqual(
      Array.from(empty.probabilities?.data as Float32Array),
    );
  });

  it('fits duplicated rows (grouped into counts) like the original with l2 doubled', async () => {
    for (const definition of [multiclass, binary]) {
      const { spec, train } = buildProblem(columns, definition, everyThird);
      const twice = doubled(train);
      const params = { tol: 1e-9, max_iter: 1000 };
      const once = (await logisticTrainer.fit(
        spec,
        train,
        undefined,
        { ...params, l2: 1 },
        { seed: 1 },
      )) as LinearTrainedModel;
      const grouped = (await logisticTrainer.fit(
        spec,
        twice,
        undefined,
        { ...params, l2: 2 },
        { seed: 1 },
      )) as LinearTrainedModel;
      expect(grouped.info.distinct_rows).toBeLessThanOrEqual(train.rows);
      expect(maxAbsDiff(grouped.fit.weights, once.fit.weights)).toBeLessThan(1e-6);
      expect(grouped.info.train_log_loss).toBeCloseTo(once.info.train_log_loss as number, 9);
    }
  });

  it('exports raw-column inputs, the outputs and the modelgate metadata', async () => {
    const { spec, train } = buildProblem(columns, multiclass, everyThird);
    const bytes = (await logisticTrainer.fit(spec, train, undefined, {}, { seed: 7 })).toOnnx(spec);
    const signature = readSignature(await createSession(bytes));
    expect(signature.inputs.map((i) => [i.name, i.type, i.shape])).toEqual(
      spec.features.map((f) => [f.name, f.kind === 'numeric' ? 'float32' : 'string', [-1, 1]]),
    );
    expect(signature.outputs.map((o) => [o.name, o.type, o.shape])).toEqual([
      ['probabilities', 'float32', [-1, 3]],
      ['label', 'string', [-1]],
    ]);
    const metadata = readOnnxMetadata(bytes);
    expect(metadata['modelgate.algorithm']).toBe('logistic');
    expect(JSON.parse(metadata['modelgate.classes'] ?? '')).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
  });

  it('gives byte-identical ONNX for the same data and seed', async () => {
    for (const [trainer, definition] of [
      [logisticTrainer, multiclass],
      [linearTrainer, regression],
    ] as const) {
      const { spec, train } = buildProblem(columns, definition, everyThird);
      const first = (await trainer.fit(spec, train, undefined, { l2: 0.5 }, { seed: 3 })).toOnnx(spec);
      const second = (await trainer.fit(spec, train, undefined, { l2: 0.5 }, { seed: 3 })).toOnnx(spec);
      expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    }
  });

  it('rejects unknown and out-of-range params, naming them', async () => {
    const { spec, train } = buildProblem(columns, binary, everyThird);
    const fit = (params: Record<string, number | string>) =>
      logisticTrainer.fit(spec, train, undefined, params, { seed: 1 });
    await expectUserError(fit({ C: 1 }), /unknown parameter 'C' for logistic \(known: l2, max_iter, tol\)/);
    await expectUserError(
      fit({ l2: 0 }),
      /parameter 'l2' for logistic must be a number > 0 and <= 1000000000, got 0/,
    );
    await expectUserError(
      fit({ max_iter: 2.5 }),
      /parameter 'max_iter' for logistic must be an integer >= 1/,
    );
    await expectUserError(fit({ tol: 'small' }), /parameter 'tol' for logistic must be a number/);
    const r = buildProblem(columns, regression, everyThird);
    await expectUserError(
      linearTrainer.fit(r.spec, r.train, undefined, { l2: -1 }, { seed: 1 }),
      /parameter 'l2' for linear/,
    );
    expect(logisticTrainer.defaults).toEqual({ l2: 1, max_iter: 100, tol: 1e-4 });
    expect(linearTrainer.defaults).toEqual({ l2: 1 });
  });

  it('refuses the wrong task and a class with no training rows', async () => {
    const r = buildProblem(columns, regression, everyThird);
    await expectUserError(
      logisticTrainer.fit(r.spec, r.train, undefined, {}, { seed: 1 }),
      /logistic: regression is not supported/,
    );
    const m = buildProblem(columns, multiclass, everyThird);
    await expectUserError(
      linearTrainer.fit(m.spec, m.train, undefined, {}, { seed: 1 }),
      /linear: multiclass is not supported/,
    );
    const extra = { ...m.spec, classes: [...(m.spec.classes ?? []), 'Emperor'] };
    await expectUserError(
      logisticTrainer.fit(extra, m.train, undefined, {}, { seed: 1 }),
      /class 'Emperor' has no rows/,
    );
  });
});
