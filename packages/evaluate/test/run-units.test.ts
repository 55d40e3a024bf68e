import type { TaskPredictions } from '@modelgate/core';
import { createSession } from '@modelgate/runtime';
import type { PreparedProblem } from '@modelgate/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectUserError, useDatabase, useTempDir } from '../../core/test/fixtures.js';
import {
  alignClasses,
  checkEvaluationRules,
  evaluationSettings,
  interpolate,
  interpolatedPrecision,
  intervalMetrics,
  MEGABYTE,
  measureCosts,
} from '../src/index.js';
import { penguinsConfig, penguinsProblem, trainModel } from './penguin-models.js';

describe('alignClasses', () => {
  const champion: TaskPredictions = {
    task: 'multiclass',
    yTrue: Int32Array.of(0, 1, 2),
    classes: 3,
    classNames: ['b', 'c', 'a'],
    yPred: Int32Array.of(0, 2, 2),
    probabilities: Float32Array.of(0.5, 0.25, 0.25, 0.25, 0.25, 0.5, 0.125, 0.125, 0.75),
  };

  it("reorders a champion's classes into the challenger's order", () => {
    const aligned = alignClasses(champion, ['b', 'c', 'a'], ['a', 'b', 'c'], 'champion');
    if (aligned.task === 'regression') throw new Error('expected classification');
    expect(Array.from(aligned.yTrue)).toEqual([1, 2, 0]);
    expect(Array.from(aligned.yPred ?? [])).toEqual([1, 0, 0]);
    expect(Array.from(aligned.probabilities ?? [])).toEqual([
      0.25, 0.5, 0.25, 0.5, 0.25, 0.25, 0.75, 0.125, 0.125,
    ]);
    expect(aligned.classNames).toEqual(['a', 'b', 'c']);
  });

  it('refuses classes that differ', async () => {
    await expectUserError(
      () => alignClasses(champion, ['b', 'c', 'a'], ['a', 'b', 'd'], 'penguins@v2'),
      /^penguins@v2 predicts the classes b, c, a; the challenger a, b, d: they cannot be compared on one holdout\.$/,
    );
  });
});

describe('measureCosts', () => {
  const db = useDatabase();
  const tmp = useTempDir('evaluate-costs');
  let problem: PreparedProblem;
  let bytes: Uint8Array;
  beforeAll(async () => {
    problem = await penguinsProblem(db(), penguinsConfig(), tmp.dir);
    bytes = await trainModel(problem, 'logistic');
  });

  it('times single-row runs and batches with the clock it is given', async () => {
    let t = 0;
    const clock = () => {
      t += 2;
      return t;
    };
    const session = await createSession(bytes);
    const settings = { latencyRuns: 10, warmupRuns: 1, batchRows: 50, batchRuns: 4 };
    const costs = await measureCosts(session, problem.spec, problem.sets.test, bytes.length, settings, clock);
    await session.release();
    expect(costs).toEqual({
      model_size_mb: bytes.length / MEGABYTE,
      latency_p50_ms: 2,
      latency_p99_ms: 2,
      // 4 batches of 50 rows between two clock readings 2 ms apart.
      throughput_rows_per_s: 100_000,
      settings,
    });
  });
});

describe('evaluate settings', () => {
  it('fills the defaults', () => {
    expect(evaluationSettings()).toEqual({
      slices: 'auto',
      sliceBins: 4,
      minSliceSize: 30,
      eceBins: 10,
      bootstrap: { replicates: 1000, seed: 42, level: 0.95 },
      costs: { latencyRuns: 200, warmupRuns: 20, batchRows: 1000, batchRuns: 5 },
    });
    expect(
      evaluationSettings({ slices: ['Island'], bootstrap: { confidence: 0.9 }, champion_stage: 'staging' }),
    ).toMatchObject({ slices: ['Island'], bootstrap: { level: 0.9 }, championStage: 'staging' });
  });

  it('gives intervals to the gated and headline metrics, or all, or a list', () => {
    const rules = { f1_macro: { min: 0.5 }, latency_p99_ms: { max: 5 } };
    expect(intervalMetrics(rules, 'binary')).toEqual(['accuracy', 'f1_macro', 'log_loss']);
    expect(intervalMetrics(rules, 'regression')).toEqual(['mae', 'rmse']);
    expect(intervalMetrics(rules, 'binary', 'all')).toHaveLength(11);
    expect(intervalMetrics({}, 'multiclass', ['ece'])).toEqual(['ece']);
  });

  it('refuses champion comparisons of timings, not of size, and non-inferiority without paired rows', async () => {
    expect(() => checkEvaluationRules({ model_size_mb: { min_improvement: -0.1 } }, 'binary')).not.toThrow();
    await expectUserError(
      () => checkEvaluationRules({ model_size_mb: { non_inferiority: 0.1 } }, 'binary'),
      /^gate\.model_size_mb\.non_inferiority: model_size_mb is one measurement per model, with no paired rows .* use max or min_improvement instead\.$/,
    );
    expect(() => checkEvaluationRules({ latency_p99_ms: { max: 5 } }, 'binary')).not.toThrow();
    await expectUserError(
      () => checkEvaluationRules({ throughput_rows_per_s: { min_improvement: 10 } }, 'binary'),
      /^gate\.throughput_rows_per_s\.min_improvement: .* use min instead\.$/,
    );
    await expectUserError(() => checkEvaluationRules({ rmse: { max: 1 } }, 'binary'), /^gate\.rmse: /);
    await expectUserError(
      () => checkEvaluationRules({}, 'regression', { ...evaluationSettings(), intervals: ['roc_auc'] }),
      /^evaluate\.bootstrap\.metrics: roc_auc is a classification metric, and this is a regression model\.$/,
    );
  });
});

describe('chart resampling', () => {
  it('interpolates a polyline on a grid, taking the top of a vertical jump', () => {
    expect(interpolate([0, 0, 0.5, 1], [0, 0.6, 0.8, 1], [0, 0.25, 0.5, 1])).toEqual([0.6, 0.7, 0.8, 1]);
  });

  it('gives the best precision reachable at each recall', () => {
    const pr = {
      precision: [0.5, 0.6, 1, 1],
      recall: [1, 0.5, 0.25, 0],
      thresholds: [0.1, 0.5, 0.9],
      averagePrecision: 0.7,
    };
    expect(interpolatedPrecision(pr, [0, 0.25, 0.5, 0.75, 1])).toEqual([1, 1, 0.6, 0.5, 0.5]);
  });
});
