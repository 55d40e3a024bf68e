import {
  CLASSIFICATION_METRICS,
  COST_METRICS,
  type MetricName,
  REGRESSION_METRICS,
} from '../config/metrics.js';
import type { Task } from '../config/schema.js';
import {
  type ClassificationMetricName,
  type ClassificationOptions,
  classificationMetric,
} from './classification.js';
import {
  type ClassificationInput,
  type RegressionInput,
  selectClassification,
  selectRegression,
} from './inputs.js';
import { type RegressionMetricName, regressionMetric } from './regression.js';
import { type MetricResult, undefinedMetric } from './result.js';

/** A model's output on the holdout, with the task that says how to read it. */
export type TaskPredictions =
  | ({ task: 'binary' | 'multiclass' } & ClassificationInput)
  | ({ task: 'regression' } & RegressionInput);

export type MetricOptions = ClassificationOptions;

const isClassificationMetric = (name: MetricName): name is ClassificationMetricName =>
  (CLASSIFICATION_METRICS as readonly string[]).includes(name);
const isRegressionMetric = (name: MetricName): name is RegressionMetricName =>
  (REGRESSION_METRICS as readonly string[]).includes(name);

export function isCostMetric(name: MetricName): boolean {
  return (COST_METRICS as readonly string[]).includes(name);
}

/** The metrics computed from a task's predictions (cost metrics are measured when the model runs). */
export function predictionMetrics(task: Task): readonly MetricName[] {
  return task === 'regression' ? REGRESSION_METRICS : CLASSIFICATION_METRICS;
}

/** Why `name` cannot be computed from a `task` model's predictions, or undefined when it can. */
export function metricMismatch(name: MetricName, task: Task): string | undefined {
  if (isCostMetric(name)) return `${name} is measured when the model runs, not computed from predictions`;
  if (task === 'regression' && !isRegressionMetric(name)) return `${name} is a classification metric`;
  if (task !== 'regression' && !isClassificationMetric(name)) return `${name} is a regression metric`;
  return undefined;
}

export function computeMetric(
  name: MetricName,
  predictions: TaskPredictions,
  options: MetricOptions = {},
): MetricResult {
  const mismatch = metricMismatch(name, predictions.task);
  if (mismatch) return undefinedMetric(mismatch);
  if (predictions.task === 'regression') return regressionMetric(name as RegressionMetricName, predictions);
  return classificationMetric(name as ClassificationMetricName, predictions, options);
}

export function computeMetrics(
  predictions: TaskPredictions,
  options: MetricOptions = {},
): Partial<Record<MetricName, MetricResult>> {
  const out: Partial<Record<MetricName, MetricResult>> = {};
  for (const name of predictionMetrics(predictions.task))
    out[name] = computeMetric(name, predictions, options);
  return out;
}

/** The same model output restricted to `rows` (repeats allowed). */
export function selectRows(predictions: TaskPredictions, rows: Int32Array): TaskPredictions {
  if (predictions.task === 'regression')
    return { task: 'regression', ...selectRegression(predictions, rows) };
  return { task: predictions.task, ...selectClassification(predictions, rows) };
}

export function rowCount(predictions: TaskPredictions): number {
  return predictions.yTrue.length;
}
