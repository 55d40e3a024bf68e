import { describe, expect, it } from 'vitest';
import { expectUserError } from '../../core/test/fixtures.js';
import { computeMetric, resolveMetric, trialMetrics } from '../src/run/metrics.js';
import type { ProblemSpec } from '../src/types.js';

// Expected values from scikit-learn: fixtures/run-metrics.py.
const multiclass: ProblemSpec = { task: 'multiclass', target: 'y', features: [], classes: ['a', 'b', 'c'] };
const y = Int32Array.from([0, 1, 2, 2, 1, 0, 2, 1]);
const probabilities = Float32Array.from([
  0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.2, 0.2, 0.6, 0.3, 0.4, 0.3, 0.25, 0.5, 0.25, 0.4, 0.35, 0.25, 0.1, 0.1, 0.8,
  0.5, 0.3, 0.2,
]);

describe('validation metrics match scikit-learn', () => {
  it.each([
    ['log_loss', 0.7023566514202554],
    ['accuracy', 0.75],
    ['balanced_accuracy', 0.7777777777777777],
    ['precision_macro', 0.7777777777777777],
    ['recall_macro', 0.7777777777777777],
    ['f1_macro', 0.7555555555555555],
    ['f1_weighted', 0.75],
    ['roc_auc', 0.9166666666666666],
  ] as const)('multiclass %s', (metric, expected) => {
    expect(computeMetric(metric, multiclass, y, { probabilities })).toBeCloseTo(expected, 6);
  });

  it.each([
    ['roc_auc', 0.9444444444444444],
    ['brier', 0.10333333318432185],
    ['log_loss', 0.34735408359798864],
  ] as const)('binary %s', (metric, expected) => {
    const spec: ProblemSpec = { task: 'binary', target: 'y', features: [], classes: ['n', 'p'] };
    const p1 = [0.2, 0.8, 0.4, 0.4, 0.9, 0.1];
    const probs = Float32Array.from(p1.flatMap((p) => [1 - p, p]));
    expect(
      computeMetric(metric, spec, Int32Array.from([0, 1, 1, 0, 1, 0]), { probabilities: probs }),
    ).toBeCloseTo(expected, 6);
  });

  it.each([
    ['rmse', 0.6123724356957945],
    ['mae', 0.5],
    ['r2', 0.9486081370449679],
    ['mape', 0.3273809523809524],
    ['median_absolute_error', 0.5],
  ] as const)('regression %s', (metric, expected) => {
    const spec: ProblemSpec = { task: 'regression', target: 'y', features: [] };
    const prediction = Float32Array.from([2.5, 0, 2, 8]);
    expect(computeMetric(metric, spec, Float64Array.from([3, -0.5, 2, 7]), { prediction })).toBeCloseTo(
      expected,
      9,
    );
  });
});

describe('metric choice', () => {
  it('defaults to log_loss and rmse, and refuses a metric the task or the search cannot use', async () => {
    expect(resolveMetric(undefined, 'binary')).toBe('log_loss');
    expect(resolveMetric(undefined, 'regression')).toBe('rmse');
    expect(resolveMetric('accuracy', 'multiclass')).toBe('accuracy');
    await expectUserError(
      () => resolveMetric('rmse', 'binary'),
      /train\.metric: rmse cannot score binary trials/,
    );
    await expectUserError(
      () => resolveMetric('latency_p99_ms', 'regression'),
      /cannot score regression trials/,
    );
  });

  it('reports companions a model can give, and names what a labels-only model lacks', async () => {
    const label = Int32Array.from([0, 1, 2, 1, 1, 0, 2, 0]);
    expect(trialMetrics('accuracy', multiclass, y, { label })).toEqual({ accuracy: 0.75 });
    await expectUserError(
      () => computeMetric('log_loss', multiclass, y, { label }),
      /log_loss is undefined: .*probabilit/,
    );
  });
});
