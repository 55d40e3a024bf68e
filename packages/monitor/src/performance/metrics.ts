import {
  computeMetric,
  confusionMatrix,
  gatherRows,
  metricValue,
  perClassScores,
  type TaskPredictions,
} from '@modelgate/core';
import type { MetricValues, ModelOutputs, PerformanceMetric, RowLabels } from './types.js';
import { CLASSIFICATION_PERFORMANCE, REGRESSION_PERFORMANCE } from './types.js';

export function metricsOf(outputs: ModelOutputs): readonly PerformanceMetric[] {
  if (outputs.task === 'regression') return REGRESSION_PERFORMANCE;
  const names = CLASSIFICATION_PERFORMANCE.filter((m) => outputs.task === 'binary' || m !== 'f1');
  return outputs.probabilities ? names : names.filter((m) => m !== 'roc_auc');
}

/** The rows (of `rows`) whose label arrived. */
export function labeledRows(labels: RowLabels, rows: Int32Array): Int32Array {
  if (labels instanceof Int32Array) return rows.filter((r) => (labels[r] as number) >= 0);
  return rows.filter((r) => !Number.isNaN(labels[r] as number));
}

/** The outputs and labels of `rows` as the metrics (and the gate) read a model's predictions. */
export function labeledPredictions(
  outputs: ModelOutputs,
  labels: RowLabels,
  rows: Int32Array,
): TaskPredictions {
  if (outputs.task === 'regression') {
    return {
      task: 'regression',
      yTrue: gatherRows(labels as Float64Array, rows),
      yPred: gatherRows(outputs.prediction as Float64Array, rows),
    };
  }
  const classes = outputs.classes.length;
  return {
    task: outputs.task,
    yTrue: gatherRows(labels as Int32Array, rows),
    classes,
    classNames: outputs.classes,
    ...(outputs.probabilities ? { probabilities: gatherRows(outputs.probabilities, rows, classes) } : {}),
    ...(outputs.yPred ? { yPred: gatherRows(outputs.yPred, rows) } : {}),
  };
}

/** The metrics on labeled rows, with the evaluation's definitions (scikit-learn's). */
export function realizedMetrics(outputs: ModelOutputs, labels: RowLabels, rows: Int32Array): MetricValues {
  const names = metricsOf(outputs);
  const out: MetricValues = {};
  if (rows.length === 0) return Object.fromEntries(names.map((m) => [m, null]));
  const predictions = labeledPredictions(outputs, labels, rows);
  for (const name of names) {
    if (name === 'f1') {
      out.f1 = positiveF1(predictions);
      continue;
    }
    out[name] = metricValue(computeMetric(name, predictions)) ?? null;
  }
  return out;
}

function positiveF1(predictions: TaskPredictions): number | null {
  if (predictions.task !== 'binary') return null;
  const yPred = predictions.yPred ?? argmax(predictions.probabilities as Float32Array | Float64Array, 2);
  const scores = perClassScores(confusionMatrix(predictions.yTrue, yPred, 2));
  const positive = scores[1];
  return positive && positive.support + positive.predicted > 0 ? positive.f1 : null;
}

export function argmax(probabilities: Float32Array | Float64Array, classes: number): Int32Array {
  const n = probabilities.length / classes;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) {
      if ((probabilities[i * classes + k] as number) > (probabilities[i * classes + best] as number))
        best = k;
    }
    out[i] = best;
  }
  return out;
}
