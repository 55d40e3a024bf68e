import {
  computeMetric as computeTaskMetric,
  lowerIsBetter,
  type MetricName,
  type TaskPredictions,
  UserError,
} from '@modelgate/core';
import type { Predictions, ProblemSpec, Task } from '../types.js';

/** Validation metrics the search can optimise; the full metrics library is the evaluate package's. */
export const SEARCH_METRICS = {
  classification: [
    'log_loss',
    'accuracy',
    'balanced_accuracy',
    'precision_macro',
    'recall_macro',
    'f1_macro',
    'f1_weighted',
    'roc_auc',
    'brier',
  ],
  regression: ['rmse', 'mae', 'r2', 'mape', 'median_absolute_error'],
} as const satisfies Record<string, readonly MetricName[]>;

export type SearchMetric =
  | (typeof SEARCH_METRICS.classification)[number]
  | (typeof SEARCH_METRICS.regression)[number];

/** Also reported for every trial, beside the metric the search optimises. */
const REPORTED: Record<'classification' | 'regression', SearchMetric[]> = {
  classification: ['accuracy', 'log_loss'],
  regression: ['rmse', 'mae', 'r2'],
};

const family = (task: Task) => (task === 'regression' ? 'regression' : 'classification');

/** `train.metric`, or log_loss / rmse; a metric the task or the search cannot use is a UserError. */
export function resolveMetric(metric: MetricName | undefined, task: Task): SearchMetric {
  const allowed: readonly string[] = SEARCH_METRICS[family(task)];
  const name = metric ?? (task === 'regression' ? 'rmse' : 'log_loss');
  if (!allowed.includes(name)) {
    throw new UserError(
      `train.metric: ${name} cannot score ${task} trials. Use one of ${allowed.join(', ')}.`,
    );
  }
  return name as SearchMetric;
}

export function metricLowerIsBetter(metric: SearchMetric): boolean {
  return lowerIsBetter(metric);
}

/** The metrics recorded for a trial: the search metric first. */
export function trialMetricNames(metric: SearchMetric, task: Task): SearchMetric[] {
  return [...new Set([metric, ...REPORTED[family(task)]])];
}

/** Train's predictions in the shape core's metrics read. */
function taskPredictions(
  spec: ProblemSpec,
  target: Int32Array | Float64Array,
  predictions: Predictions,
): TaskPredictions {
  if (spec.task === 'regression') {
    if (!predictions.prediction) throw new UserError('the model gives no prediction');
    return { task: 'regression', yTrue: target as Float64Array, yPred: predictions.prediction };
  }
  return {
    task: spec.task,
    yTrue: target as Int32Array,
    classes: spec.classes?.length ?? 0,
    ...(predictions.probabilities ? { probabilities: predictions.probabilities } : {}),
    ...(predictions.label ? { yPred: predictions.label } : {}),
    ...(spec.classes ? { classNames: spec.classes } : {}),
  };
}

/** One metric of predictions against a set's target, computed as `modelgate evaluate` computes it. */
export function computeMetric(
  metric: SearchMetric,
  spec: ProblemSpec,
  target: Int32Array | Float64Array,
  predictions: Predictions,
): number {
  const result = computeTaskMetric(metric, taskPredictions(spec, target, predictions));
  if ('undefined' in result) throw new UserError(`${metric} is undefined: ${result.undefined}`);
  return result.value;
}

/** The search metric and the usual companions; a companion the model cannot give is left out. */
export function trialMetrics(
  metric: SearchMetric,
  spec: ProblemSpec,
  target: Int32Array | Float64Array,
  predictions: Predictions,
): Record<string, number> {
  const out: Record<string, number> = { [metric]: computeMetric(metric, spec, target, predictions) };
  for (const name of trialMetricNames(metric, spec.task).slice(1)) {
    try {
      out[name] = computeMetric(name, spec, target, predictions);
    } catch {
      // e.g. log_loss of a command model that gives labels only
    }
  }
  return out;
}
