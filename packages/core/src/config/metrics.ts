export const CLASSIFICATION_METRICS = [
  'accuracy',
  'balanced_accuracy',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'f1_weighted',
  'roc_auc',
  'average_precision',
  'log_loss',
  'brier',
  'ece',
] as const;

export const REGRESSION_METRICS = ['mae', 'rmse', 'r2', 'mape', 'median_absolute_error'] as const;

export const COST_METRICS = [
  'latency_p50_ms',
  'latency_p99_ms',
  'model_size_mb',
  'throughput_rows_per_s',
] as const;

export const METRICS = [...CLASSIFICATION_METRICS, ...REGRESSION_METRICS, ...COST_METRICS] as const;
export type MetricName = (typeof METRICS)[number];

const LOWER_IS_BETTER = new Set<MetricName>([
  'log_loss',
  'brier',
  'ece',
  'mae',
  'rmse',
  'mape',
  'median_absolute_error',
  'latency_p50_ms',
  'latency_p99_ms',
  'model_size_mb',
]);

export function lowerIsBetter(metric: MetricName): boolean {
  return LOWER_IS_BETTER.has(metric);
}

/** Metrics that live in [0, 1]: every classification metric but log_loss. The others are unbounded on at least one side. */
export function inUnitInterval(metric: MetricName): boolean {
  return metric !== 'log_loss' && (CLASSIFICATION_METRICS as readonly MetricName[]).includes(metric);
}
