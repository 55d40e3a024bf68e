import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CategoricalColumn, NumericColumn } from '@modelgate/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectUserError, useDatabase } from '../../core/test/fixtures.js';
import { GBDT_DEFAULTS, type GbdtModel, gbdtTrainer } from '../src/gbdt/index.js';
import type { Params, ProblemSpec, TrainingSet } from '../src/types.js';
import { PENGUIN_TASKS, type PreparedTask, prepareTask } from './gbdt-data.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const sklearn = JSON.parse(readFileSync(join(fixtures, 'gbdt-sklearn.json'), 'utf8'));
const splits = JSON.parse(readFileSync(join(fixtures, 'gbdt-splits.json'), 'utf8'));

const fit = (task: PreparedTask, params: Params = {}, budget?: number) =>
  gbdtTrainer.fit(
    task.spec,
    task.train,
    task.validation,
    params,
    budget === undefined ? { seed: 7 } : { seed: 7, budget },
  );

function accuracy(task: PreparedTask, model: GbdtModel): number {
  const { label } = model.predict(task.test);
  let correct = 0;
  for (let i = 0; i < task.test.rows; i++) if (label?.[i] === task.test.target[i]) correct++;
  return correct / task.test.rows;
}

function rmse(task: PreparedTask, model: GbdtModel): number {
  const { prediction } = model.predict(task.test);
  let sum = 0;
  for (let i = 0; i < task.test.rows; i++)
    sum += ((prediction?.[i] as number) - (task.test.target[i] as number)) ** 2;
  return Math.sqrt(sum / task.test.rows);
}

describe('gbdtTrainer on penguins, against scikit-learn HistGradientBoosting on the same splits', () => {
  const db = useDatabase();
  const tasks = {} as Record<keyof typeof PENGUIN_TASKS, PreparedTask>;
  beforeAll(async () => {
    for (const [name, options] of Object.entries(PENGUIN_TASKS)) {
      tasks[name as keyof typeof PENGUIN_TASKS] = await prepareTask(db(), options);
    }
  });

  it('uses the split rows the scikit-learn fixture was computed on', () => {
    for (const name of Object.keys(PENGUIN_TASKS) as (keyof typeof PENGUIN_TASKS)[]) {
      for (const split of ['train', 'validation', 'test'] as const) {
        expect(Array.from(tasks[name].rows[split]), `${name} ${split}`).toEqual(splits[name][split]);
      }
    }
  });

  // Floors: scikit-learn's mean over ten seeds, less one test row (accuracy) or plus 5% (RMSE).
  it('classifies species (multiclass, nulls, categorical Island/Sex) as well as scikit-learn', async () => {
    const task = tasks.multiclass;
    const model = (await fit(task)) as GbdtModel;
    const ref = sklearn.multiclass;
    expect(accuracy(task, model)).toBeGreaterThanOrEqual(ref.mean - 1 / ref.test_rows);
    expect(model.ensemble.trees.length).toBe(3 * Number(model.info.rounds));
  });

  it('classifies sex (binary) as well as scikit-learn', async () => {
    const task = tasks.binary;
    const model = (await fit(task)) as GbdtModel;
    const ref = sklearn.binary;
    expect(accuracy(task, model)).toBeGreaterThanOrEqual(ref.mean - 1 / ref.test_rows);
    const { probabilities } = model.predict(task.test);
    for (let i = 0; i < task.test.rows; i++) {
      expect((probabilities?.[2 * i] as number) + (probabilities?.[2 * i + 1] as number)).toBeCloseTo(1, 6);
    }
  });

  it('predicts body mass (regression) as well as scikit-learn', async () => {
    const task = tasks.regression;
    const model = (await fit(task)) as GbdtModel;
    expect(rmse(task, model)).toBeLessThanOrEqual(sklearn.regression.mean * 1.05);
  });

  it('stops early on the validation loss and keeps the best round', async () => {
    const model = await fit(tasks.regression, { learning_rate: 0.5, early_stopping_rounds: 3 });
    const { rounds, trained_rounds, stopped_early } = model.info;
    expect(stopped_early).toBe(true);
    expect(trained_rounds).toBe(Number(rounds) + 3);
    expect(model.info.validation_loss).toBeGreaterThan(0);
    const all = await fit(tasks.regression, { learning_rate: 0.5, early_stopping_rounds: 0, rounds: 20 });
    expect(all.info.rounds).toBe(20);
    expect(all.info.stopped_early).toBe(false);
  });

  it('trains at most the budget of rounds successive halving gives it', async () => {
    expect(gbdtTrainer.budget).toEqual({ name: 'rounds', max: 100 });
    const model = await fit(tasks.multiclass, { early_stopping_rounds: 0 }, 4);
    expect(model.info.rounds).toBe(4);
    expect((model as GbdtModel).ensemble.trees.length).toBe(12);
  });

  it('gives byte-identical ONNX for the same data, params and seed', async () => {
    const a = await fit(tasks.multiclass);
    const b = await fit(tasks.multiclass);
    expect(
      Buffer.from(a.toOnnx(tasks.multiclass.spec)).equals(Buffer.from(b.toOnnx(tasks.multiclass.spec))),
    ).toBe(true);
  });

  it('respects max_leaves, max_depth and min_samples_leaf', async () => {
    const model = (await fit(tasks.regression, {
      max_leaves: 4,
      max_depth: 2,
      min_samples_leaf: 30,
    })) as GbdtModel;
    for (const tree of model.ensemble.trees) {
      const leaves = tree.feature.filter((f) => f < 0).length;
      expect(leaves).toBeLessThanOrEqual(4);
      const depth = (node: number): number =>
        (tree.feature[node] as number) < 0
          ? 0
          : 1 + Math.max(depth(tree.left[node] as number), depth(tree.right[node] as number));
      expect(depth(0)).toBeLessThanOrEqual(2);
    }
  });
});

describe('gbdtTrainer parameters', () => {
  const spec: ProblemSpec = { task: 'regression', target: 'y', features: [{ name: 'x', kind: 'numeric' }] };
  const set: TrainingSet = {
    rows: 3,
    features: [
      { kind: 'numeric', name: 'x', values: Float64Array.of(1, 2, 3), valid: Uint8Array.of(1, 1, 1) },
    ],
    target: Float64Array.of(1, 2, 3),
  };

  it('declares its defaults and budget', () => {
    expect(gbdtTrainer.defaults).toEqual(GBDT_DEFAULTS);
    expect(gbdtTrainer.tasks).toEqual(['binary', 'multiclass', 'regression']);
  });

  it('refuses unknown and out-of-range parameters, naming them', async () => {
    const bad = (params: Params) => gbdtTrainer.fit(spec, set, undefined, params, { seed: 1 });
    await expectUserError(bad({ max_leafs: 8 }), /unknown parameter 'max_leafs'/);
    await expectUserError(bad({ learning_rate: 0 }), /'learning_rate' is 0; expected a number > 0/);
    await expectUserError(bad({ max_leaves: 2.5 }), /'max_leaves' is 2.5; expected an integer/);
    await expectUserError(bad({ max_bins: 1 }), /'max_bins'/);
    await expectUserError(bad({ rounds: 'many' }), /'rounds' is "many"/);
  });

  it('refuses a NaN regression target and an empty training split', async () => {
    const nan: TrainingSet = { ...set, target: Float64Array.of(1, Number.NaN, 3) };
    await expectUserError(gbdtTrainer.fit(spec, nan, undefined, {}, { seed: 1 }), /target 'y'.*row 2/);
    const empty: TrainingSet = { rows: 0, features: [numericColumn([])], target: new Float64Array(0) };
    await expectUserError(gbdtTrainer.fit(spec, empty, undefined, {}, { seed: 1 }), /no rows/);
  });
});

function numericColumn(values: number[], missing: (i: number) => boolean = () => false): NumericColumn {
  return {
    kind: 'numeric',
    name: 'x',
    values: Float64Array.from(values, (v, i) => (missing(i) ? Number.NaN : Math.fround(v))),
    valid: Uint8Array.from(values, (_, i) => (missing(i) ? 0 : 1)),
  };
}

/** One tree with one split and leaf values equal to the mean target: learning rate 1, no L2. */
const STUMP: Params = {
  rounds: 1,
  max_leaves: 2,
  learning_rate: 1,
  min_samples_leaf: 1,
  early_stopping_rounds: 0,
};

describe('gbdtTrainer missing values and categories', () => {
  const spec: ProblemSpec = { task: 'regression', target: 'y', features: [{ name: 'x', kind: 'numeric' }] };

  it('learns which side missing values go to', async () => {
    // x < 50 -> 0, x >= 50 -> 10, missing -> 10: missing must follow the right side.
    const n = 200;
    const x = Array.from({ length: n }, (_, i) => i % 100);
    const missing = (i: number) => i % 10 === 0;
    const y = Float64Array.from(x, (v, i) => (missing(i) || v >= 50 ? 10 : 0));
    const train: TrainingSet = { rows: n, features: [numericColumn(x, missing)], target: y };
    const model = await gbdtTrainer.fit(spec, train, undefined, STUMP, { seed: 1 });
    const probe: TrainingSet = {
      rows: 3,
      features: [numericColumn([10, 90, 0], (i) => i === 2)],
      target: new Float64Array(3),
    };
    const { prediction } = model.predict(probe);
    expect(Array.from(prediction ?? [])).toEqual([0, 10, 10]);

    // Missing with the low side now.
    const y2 = Float64Array.from(x, (v, i) => (!missing(i) && v >= 50 ? 10 : 0));
    const model2 = await gbdtTrainer.fit(spec, { ...train, target: y2 }, undefined, STUMP, { seed: 1 });
    expect(Array.from(model2.predict(probe).prediction ?? [])).toEqual([0, 10, 0]);
  });

  it('sends missing values unseen in training to the larger child', async () => {
    const x = Array.from({ length: 100 }, (_, i) => i);
    const y = Float64Array.from(x, (v) => (v < 70 ? 1 : 5));
    const model = await gbdtTrainer.fit(
      spec,
      { rows: 100, features: [numericColumn(x)], target: y },
      undefined,
      STUMP,
      {
        seed: 1,
      },
    );
    const probe: TrainingSet = {
      rows: 1,
      features: [numericColumn([0], () => true)],
      target: new Float64Array(1),
    };
    expect(model.predict(probe).prediction?.[0]).toBe(1);
  });

  it('splits categories by subset (not by code order), and routes unseen ones as missing', async () => {
    const categories = ['a', 'b', 'c', 'd', 'e', 'f'];
    const high = new Set([0, 3, 4]); // a, d, e
    const n = 240;
    const codes = Int32Array.from({ length: n }, (_, i) => i % 6);
    const column: CategoricalColumn = { kind: 'categorical', name: 'c', codes, dictionary: categories };
    const catSpec: ProblemSpec = {
      task: 'regression',
      target: 'y',
      features: [{ name: 'c', kind: 'categorical', categories }],
    };
    const y = Float64Array.from(codes, (c) => (high.has(c) ? 10 : 0));
    const model = await gbdtTrainer.fit(
      catSpec,
      { rows: n, features: [column], target: y },
      undefined,
      STUMP,
      {
        seed: 1,
      },
    );
    const probe: TrainingSet = {
      rows: 7,
      features: [{ ...column, codes: Int32Array.of(0, 1, 2, 3, 4, 5, -1) }],
      target: new Float64Array(7),
    };
    const predicted = Array.from(model.predict(probe).prediction ?? []);
    expect(predicted.slice(0, 6)).toEqual([10, 0, 0, 10, 10, 0]);
    // No missing value in training: missing and unseen categories go with the non-member side.
    expect([0, 10]).toContain(predicted[6]);
  });
});

describe('gbdtTrainer on a large set', () => {
  it('builds the same model with and without the histogram helper thread', async () => {
    const n = 70_000;
    let seed = 5;
    const next = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const a = Float64Array.from({ length: n }, () => Math.fround(next() * 100));
    const b = Float64Array.from({ length: n }, () => Math.fround(next()));
    const codes = Int32Array.from({ length: n }, () => Math.floor(next() * 5));
    const target = Int32Array.from(
      a,
      (v, i) => (v > 60 ? 1 : 0) ^ (next() < 0.1 ? 1 : 0) ^ ((codes[i] as number) === 2 ? 1 : 0),
    );
    const spec: ProblemSpec = {
      task: 'binary',
      target: 'y',
      classes: ['n', 'y'],
      features: [
        { name: 'a', kind: 'numeric' },
        { name: 'b', kind: 'numeric' },
        { name: 'c', kind: 'categorical', categories: ['p', 'q', 'r', 's', 't'] },
      ],
    };
    const set: TrainingSet = {
      rows: n,
      features: [
        { kind: 'numeric', name: 'a', values: a, valid: new Uint8Array(n).fill(1) },
        { kind: 'numeric', name: 'b', values: b, valid: new Uint8Array(n).fill(1) },
        { kind: 'categorical', name: 'c', codes, dictionary: ['p', 'q', 'r', 's', 't'] },
      ],
      target,
    };
    const train = async (threads: string) => {
      const before = process.env.MODELGATE_GBDT_THREADS;
      process.env.MODELGATE_GBDT_THREADS = threads;
      try {
        const model = await gbdtTrainer.fit(spec, set, undefined, { rounds: 5 }, { seed: 1 });
        return Buffer.from(model.toOnnx(spec));
      } finally {
        if (before === undefined) delete process.env.MODELGATE_GBDT_THREADS;
        else process.env.MODELGATE_GBDT_THREADS = before;
      }
    };
    expect((await train('1')).equals(await train('auto'))).toBe(true);
  });
});
