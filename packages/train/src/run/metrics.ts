import { lowerIsBetter, type MetricName, UserError } from '@modelgate/core';
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

const EPS = 1e-15;

function needProbabilities(p: Predictions, metric: string): Float32Array {
  if (!p.probabilities) {
    throw new UserError(`${metric} needs class probabilities, and the model gives only labels`);
  }
  return p.probabilities;
}

function needLabels(p: Predictions, classes: number): Int32Array {
  if (p.label) return p.label;
  const probs = needProbabilities(p, 'accuracy');
  const rows = probs.length / classes;
  return Int32Array.from({ length: rows }, (_, i) => {
    let best = 0;
    for (let k = 1; k < classes; k++)
      if ((probs[i * classes + k] ?? 0) > (probs[i * classes + best] ?? 0)) best = k;
    return best;
  });
}

/** Per-class true positives, predicted and actual counts. */
function confusion(y: Int32Array, label: Int32Array, classes: number) {
  const tp = new Array<number>(classes).fill(0);
  const predicted = new Array<number>(classes).fill(0);
  const actual = new Array<number>(classes).fill(0);
  y.forEach((t, i) => {
    const p = label[i] ?? -1;
    actual[t] = (actual[t] ?? 0) + 1;
    if (p >= 0) predicted[p] = (predicted[p] ?? 0) + 1;
    if (p === t) tp[t] = (tp[t] ?? 0) + 1;
  });
  return { tp, predicted, actual };
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** Precision, recall and F1 per class over the classes that occur (scikit-learn, zero_division=0). */
function perClass(y: Int32Array, label: Int32Array, classes: number) {
  const { tp, predicted, actual } = confusion(y, label, classes);
  const present = [...Array(classes).keys()].filter((k) => (actual[k] ?? 0) + (predicted[k] ?? 0) > 0);
  return present.map((k) => {
    const precision = ratio(tp[k] ?? 0, predicted[k] ?? 0);
    const recall = ratio(tp[k] ?? 0, actual[k] ?? 0);
    const f1 = ratio(2 * precision * recall, precision + recall);
    return { precision, recall, f1, support: actual[k] ?? 0 };
  });
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Area under the ROC curve of scores for positives, ties counted half (Mann-Whitney U). */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => (scores[a] ?? 0) - (scores[b] ?? 0),
  );
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1] ?? 0] === scores[order[i] ?? 0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (positive[order[k] ?? 0]) {
        rankSum += rank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

function classificationMetric(metric: SearchMetric, y: Int32Array, p: Predictions, classes: number): number {
  const n = y.length;
  switch (metric) {
    case 'log_loss': {
      const probs = needProbabilities(p, metric);
      let sum = 0;
      y.forEach((t, i) => {
        const q = Math.min(1 - EPS, Math.max(EPS, probs[i * classes + t] ?? 0));
        sum -= Math.log(q);
      });
      return sum / n;
    }
    case 'brier': {
      const probs = needProbabilities(p, metric);
      let sum = 0;
      y.forEach((t, i) => {
        if (classes === 2) sum += ((probs[i * 2 + 1] ?? 0) - t) ** 2;
        else
          for (let k = 0; k < classes; k++) sum += ((probs[i * classes + k] ?? 0) - (k === t ? 1 : 0)) ** 2;
      });
      return sum / n;
    }
    case 'roc_auc': {
      const probs = needProbabilities(p, metric);
      const column = (k: number) => Float64Array.from({ length: n }, (_, i) => probs[i * classes + k] ?? 0);
      if (classes === 2)
        return rocAuc(
          column(1),
          Array.from(y, (t) => t === 1),
        );
      const present = [...new Set(y)].sort((a, b) => a - b);
      return mean(
        present.map((k) =>
          rocAuc(
            column(k),
            Array.from(y, (t) => t === k),
          ),
        ),
      );
    }
    default:
      break;
  }
  const label = needLabels(p, classes);
  switch (metric) {
    case 'accuracy':
      return y.reduce((s, t, i) => s + (label[i] === t ? 1 : 0), 0) / n;
    case 'balanced_accuracy': {
      const { tp, actual } = confusion(y, label, classes);
      return mean(
        [...actual.keys()].filter((k) => (actual[k] ?? 0) > 0).map((k) => ratio(tp[k] ?? 0, actual[k] ?? 0)),
      );
    }
    case 'precision_macro':
      return mean(perClass(y, label, classes).map((c) => c.precision));
    case 'recall_macro':
      return mean(perClass(y, label, classes).map((c) => c.recall));
    case 'f1_macro':
      return mean(perClass(y, label, classes).map((c) => c.f1));
    case 'f1_weighted':
      return perClass(y, label, classes).reduce((s, c) => s + c.f1 * c.support, 0) / n;
    default:
      throw new Error(`not a classification metric: ${metric}`);
  }
}

function regressionMetric(metric: SearchMetric, y: Float64Array, p: Predictions): number {
  const prediction = p.prediction;
  if (!prediction) throw new UserError('the model gives no prediction');
  const n = y.length;
  const errors = Float64Array.from(y, (t, i) => t - (prediction[i] ?? Number.NaN));
  switch (metric) {
    case 'rmse':
      return Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / n);
    case 'mae':
      return errors.reduce((s, e) => s + Math.abs(e), 0) / n;
    case 'r2': {
      const m = y.reduce((s, t) => s + t, 0) / n;
      const total = y.reduce((s, t) => s + (t - m) ** 2, 0);
      const residual = errors.reduce((s, e) => s + e * e, 0);
      return total === 0 ? (residual === 0 ? 1 : 0) : 1 - residual / total;
    }
    case 'mape':
      return (
        errors.reduce(
          (s, e, i) => s + Math.abs(e) / Math.max(Math.abs(y[i] ?? 0), 2.220446049250313e-16),
          0,
        ) / n
      );
    case 'median_absolute_error': {
      const sorted = Float64Array.from(errors, Math.abs).sort();
      const mid = Math.floor(n / 2);
      return n % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
    }
    default:
      throw new Error(`not a regression metric: ${metric}`);
  }
}

/** One metric of predictions against a set's target. */
export function computeMetric(
  metric: SearchMetric,
  spec: ProblemSpec,
  target: Int32Array | Float64Array,
  predictions: Predictions,
): number {
  if (spec.task === 'regression') return regressionMetric(metric, target as Float64Array, predictions);
  return classificationMetric(metric, target as Int32Array, predictions, spec.classes?.length ?? 0);
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
