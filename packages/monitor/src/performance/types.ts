import type { Task } from '@modelgate/core';

/** Performance metrics monitor reports; names as in evaluation.json, plus `f1` (the positive class, binary). */
export const CLASSIFICATION_PERFORMANCE = ['accuracy', 'f1', 'f1_macro', 'roc_auc'] as const;
export const REGRESSION_PERFORMANCE = ['mae', 'rmse', 'r2'] as const;
export type PerformanceMetric =
  | (typeof CLASSIFICATION_PERFORMANCE)[number]
  | (typeof REGRESSION_PERFORMANCE)[number];

export function lowerIsBetterMetric(metric: PerformanceMetric): boolean {
  return metric === 'mae' || metric === 'rmse';
}

/** The model's outputs for every row of the current data, in row order. */
export interface ModelOutputs {
  task: Task;
  /** Class names in the order of the probability columns; empty for regression. */
  classes: readonly string[];
  /** Row-major [rows, classes]. */
  probabilities?: Float32Array | Float64Array;
  /** Predicted class index per row; default the first maximum of the probabilities. */
  yPred?: Int32Array;
  /** Regression predictions. */
  prediction?: Float64Array;
}

/** True values per row: class indices (−1 where no label arrived) or numbers (NaN where none). */
export type RowLabels = Int32Array | Float64Array;

export type MetricValues = Partial<Record<PerformanceMetric, number | null>>;

export interface PerformanceSettings {
  /** Classification metrics must not fall more than this below the holdout (absolute). Default 0.05. */
  drop: number;
  /** Error metrics (mae, rmse) must not rise more than this share above the holdout. Default 0.2. */
  rise: number;
  /** Whether CBPE estimates alert like realized metrics. Default true. */
  alertOnEstimates: boolean;
}

export const PERFORMANCE_DEFAULTS: PerformanceSettings = { drop: 0.05, rise: 0.2, alertOnEstimates: true };
