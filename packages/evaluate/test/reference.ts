import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClassificationInput, MetricResult, TaskPredictions } from '@modelgate/core';
import { expect } from 'vitest';

/** Agreement asked of every scikit-learn reference: 1e-9, relative for large values. */
export const TOLERANCE = 1e-9;

export function expectClose(actual: number | undefined, expected: number, what = ''): void {
  expect(actual, what).toBeTypeOf('number');
  const error = Math.abs((actual as number) - expected);
  expect(error, `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    TOLERANCE * Math.max(1, Math.abs(expected)),
  );
}

export function expectAllClose(actual: ArrayLike<number>, expected: readonly number[], what = ''): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (const [i, e] of expected.entries()) expectClose(actual[i], e, `${what}[${i}]`);
}

/** A fixture value: a number, or null where the metric is undefined. */
export function expectMetric(result: MetricResult | undefined, expected: number | null, what = ''): void {
  expect(result, what).toBeDefined();
  if (expected === null) {
    expect(result, `${what} should be undefined`).toHaveProperty('undefined');
    expect((result as { undefined: string }).undefined.length).toBeGreaterThan(0);
  } else {
    expect(result, `${what} should have a value`).toHaveProperty('value');
    expectClose((result as { value: number }).value, expected, what);
  }
}

export interface ClassificationCase {
  name: string;
  task: 'binary' | 'multiclass';
  classes: string[];
  y_true: number[];
  y_pred: number[];
  prob_dtype: 'float32' | 'float64' | null;
  y_prob: number[] | null;
  ece_bins: number;
  expected: Record<string, number | null>;
  per_class: {
    support: number;
    predicted: number;
    precision: number;
    recall: number;
    f1: number;
    roc_auc?: number | null;
    average_precision?: number | null;
  }[];
  confusion_matrix: number[][];
  curves: {
    roc?: Record<string, { fpr: number[]; tpr: number[]; thresholds_after_first: number[] } | null>;
    pr?: Record<string, { precision: number[]; recall: number[]; thresholds: number[] } | null>;
    calibration?: Record<
      string,
      {
        edges: number[];
        bin: number[];
        count: number[];
        fraction_positive: number[];
        mean_predicted: number[];
      }
    >;
  };
}

export interface RegressionCase {
  name: string;
  y_true: number[];
  y_pred: number[];
  expected: Record<string, number | null>;
  residuals: {
    quantiles: number[];
    values: number[];
    mean: number;
    std: number;
    histogram_edges: number[];
    histogram_counts: number[];
  };
}

export interface SliceReference {
  value: string | number | null;
  count: number;
  metrics: Record<string, number | null> | null;
}

export interface Reference {
  versions: Record<string, string>;
  classification: ClassificationCase[];
  regression: RegressionCase[];
  slices: {
    rows: number[];
    min_size: number;
    columns: Record<
      string,
      { values: (string | number | null)[]; bins?: number; edges?: number[]; slices: SliceReference[] }
    >;
  };
  bootstrap: {
    draws: number[][];
    paired: Record<string, { differences: number[]; ci_low: number; ci_high: number }>;
    mcnemar: McNemarReference;
  };
  stats: {
    mcnemar: McNemarReference[];
    quantiles: { x: number[]; q: number[]; values: number[] }[];
    histograms: { x: number[]; bins: number; edges: number[]; counts: number[] }[];
  };
}

export interface McNemarReference {
  b: number;
  c: number;
  exact_p: number;
  chi2_statistic: number | null;
  chi2_p: number | null;
}

export const reference = JSON.parse(
  readFileSync(fileURLToPath(new URL('./fixtures/metrics.json', import.meta.url)), 'utf8'),
) as Reference;

export function classificationCase(name: string): ClassificationCase {
  const found = reference.classification.find((c) => c.name === name);
  if (!found) throw new Error(`no classification fixture ${name}`);
  return found;
}

export function regressionCase(name: string): RegressionCase {
  const found = reference.regression.find((c) => c.name === name);
  if (!found) throw new Error(`no regression fixture ${name}`);
  return found;
}

/** A fixture case as a model's output: probabilities in the float type they were given in. */
export type ClassifierOutput = ClassificationInput & { task: 'binary' | 'multiclass' };

export function predictionsOf(c: ClassificationCase, withLabels = false): ClassifierOutput {
  const out: ClassifierOutput = {
    task: c.task,
    yTrue: Int32Array.from(c.y_true),
    classes: c.classes.length,
    classNames: c.classes,
  };
  if (c.y_prob)
    out.probabilities =
      c.prob_dtype === 'float32' ? Float32Array.from(c.y_prob) : Float64Array.from(c.y_prob);
  if (withLabels || !c.y_prob) out.yPred = Int32Array.from(c.y_pred);
  return out;
}

export function regressionOf(c: RegressionCase): TaskPredictions {
  return { task: 'regression', yTrue: Float64Array.from(c.y_true), yPred: Float64Array.from(c.y_pred) };
}
