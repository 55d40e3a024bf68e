import type { MetricName } from '../config/metrics.js';
import {
  computeMetric,
  type MetricOptions,
  metricMismatch,
  selectRows,
  type TaskPredictions,
} from './compute.js';
import { type Classification, type Probabilities, resolveClassification } from './inputs.js';
import { dtypeEpsilon } from './probabilistic.js';
import { RankedColumn } from './ranked-column.js';
import { averagePrecisionFromCounts, oneVsRest, overClasses, rocAucFromCounts } from './ranking.js';
import { regressionProblem } from './regression.js';
import { defined, type MetricResult, undefinedMetric } from './result.js';
import { CompensatedSum } from './sum.js';

/** A metric of one model on some of its rows (repeats allowed): what a bootstrap resample asks. */
export type RowScorer = (rows: Int32Array) => MetricResult;

/** Per-row terms whose mean is the metric, computed as the metric functions do, in row order. */
function rowTerms(metric: MetricName, predictions: TaskPredictions): Float64Array | undefined {
  if (predictions.task === 'regression') {
    if (regressionProblem(predictions)) return undefined;
    const { yTrue, yPred } = predictions;
    const term =
      metric === 'mae'
        ? (y: number, p: number) => Math.abs(y - p)
        : metric === 'rmse'
          ? (y: number, p: number) => (y - p) ** 2
          : metric === 'mape'
            ? (y: number, p: number) => Math.abs(y - p) / Math.max(Math.abs(y), 2 ** -52)
            : undefined;
    return term && Float64Array.from(yTrue, (y, i) => term(y, yPred[i] as number));
  }
  const c = resolveClassification(predictions);
  if (metric === 'accuracy') return Float64Array.from(c.yTrue, (y, i) => (y === c.yPred[i] ? 1 : 0));
  if (c.noProbabilities) return undefined;
  const p = c.probabilities as Probabilities;
  if (metric === 'log_loss') {
    const eps = dtypeEpsilon(p);
    return Float64Array.from(
      c.yTrue,
      (y, i) => -Math.log(Math.min(1 - eps, Math.max(eps, p[i * c.classes + y] as number))),
    );
  }
  if (metric === 'brier') {
    return Float64Array.from(c.yTrue, (y, i) => {
      if (c.classes === 2) return ((p[i * 2 + 1] as number) - y) ** 2;
      let row = 0;
      for (let k = 0; k < c.classes; k++) row += ((p[i * c.classes + k] as number) - (k === y ? 1 : 0)) ** 2;
      return row / c.classes;
    });
  }
  return undefined;
}

function meanScorer(terms: Float64Array, finish: (mean: number) => number): RowScorer {
  return (rows) => {
    if (rows.length === 0) return undefinedMetric('no rows');
    const sum = new CompensatedSum();
    for (const r of rows) sum.add(terms[r] as number);
    return defined(finish(sum.value / rows.length));
  };
}

function rankingScorer(c: Classification, metric: 'roc_auc' | 'average_precision'): RowScorer {
  const columns = new Map<number, { ranked: RankedColumn; positive: Uint8Array }>();
  const column = (k: number) => {
    let entry = columns.get(k);
    if (!entry) {
      const { positive, scores } = oneVsRest(c, k);
      entry = { ranked: new RankedColumn(scores), positive };
      columns.set(k, entry);
    }
    return entry;
  };
  const binary = metric === 'roc_auc' ? rocAucFromCounts : averagePrecisionFromCounts;
  const name = metric === 'roc_auc' ? 'ROC AUC' : 'average precision';
  return (rows) => {
    if (rows.length === 0) return undefinedMetric('no rows');
    return overClasses(
      c,
      (k) => {
        const { ranked, positive } = column(k);
        return ranked.counts(rows, positive);
      },
      binary,
      name,
    );
  };
}

/**
 * A scorer equal to computeMetric(metric, selectRows(predictions, rows)),
 * prepared once per model: means of per-row terms and pre-ranked score
 * columns avoid copying and sorting the rows of every resample.
 */
export function rowScorer(
  metric: MetricName,
  predictions: TaskPredictions,
  options: MetricOptions = {},
): RowScorer {
  const generic: RowScorer = (rows) => computeMetric(metric, selectRows(predictions, rows), options);
  if (metricMismatch(metric, predictions.task)) return generic;
  const terms = rowTerms(metric, predictions);
  if (terms) return meanScorer(terms, metric === 'rmse' ? Math.sqrt : (mean) => mean);
  if ((metric === 'roc_auc' || metric === 'average_precision') && predictions.task !== 'regression') {
    const c = resolveClassification(predictions);
    if (!c.noProbabilities) return rankingScorer(c, metric);
  }
  return generic;
}
