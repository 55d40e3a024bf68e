import { computeMetric, computeMetrics, regressionMetrics } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { expectMetric, reference, regressionOf } from './reference.js';

describe('regression metrics agree with scikit-learn', () => {
  it.each(reference.regression.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const predictions = regressionOf(c);
    const metrics = computeMetrics(predictions);
    expect(Object.keys(metrics)).toEqual(['mae', 'rmse', 'r2', 'mape', 'median_absolute_error']);
    for (const [name, expected] of Object.entries(c.expected)) {
      expectMetric(metrics[name as keyof typeof metrics], expected, `${c.name} ${name}`);
    }
  });

  it('reports R² of a constant target or a single row as undefined, with the reason', () => {
    const constant = reference.regression.find((c) => c.name === 'constant-target');
    expect(computeMetric('r2', regressionOf(constant as NonNullable<typeof constant>))).toEqual({
      undefined: 'the target is constant: R² divides by its zero variance',
    });
    expect(
      computeMetric('r2', {
        task: 'regression',
        yTrue: Float64Array.from([1]),
        yPred: Float64Array.from([1]),
      }),
    ).toEqual({ undefined: 'R² needs at least 2 rows' });
  });

  it('does not turn NaN predictions into NaN metrics', () => {
    const metrics = regressionMetrics({
      yTrue: Float64Array.from([1, 2, 3]),
      yPred: Float32Array.from([1, Number.NaN, 3]),
    });
    for (const result of Object.values(metrics)) {
      expect(result).toEqual({ undefined: 'the predictions contain NaN (row 1)' });
    }
    expect(() =>
      regressionMetrics({ yTrue: Float64Array.from([1]), yPred: Float64Array.from([1, 2]) }),
    ).toThrow(/yPred has 2 rows/);
  });
});
