import type { Classification, Probabilities } from './inputs.js';
import { defined, type MetricResult, undefinedMetric } from './result.js';

/** Positives and their scores for one binary ranking problem. */
export interface BinaryScores {
  positive: Uint8Array;
  scores: Float64Array;
}

/**
 * Cumulative false/true positives at each distinct score, highest first
 * (scikit-learn's _binary_clf_curve without sample weights).
 */
export interface ThresholdCounts {
  fps: Float64Array;
  tps: Float64Array;
  thresholds: Float64Array;
}

export function thresholdCounts({ positive, scores }: BinaryScores): ThresholdCounts {
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let i = 0; i < n; i++) {
    const row = order[i] as number;
    tp += positive[row] as number;
    const score = scores[row] as number;
    if (i === n - 1 || scores[order[i + 1] as number] !== score) {
      tps.push(tp);
      fps.push(i + 1 - tp);
      thresholds.push(score);
    }
  }
  return {
    fps: Float64Array.from(fps),
    tps: Float64Array.from(tps),
    thresholds: Float64Array.from(thresholds),
  };
}

export function positivesOf(counts: ThresholdCounts): number {
  return counts.tps.length ? (counts.tps[counts.tps.length - 1] as number) : 0;
}

export function negativesOf(counts: ThresholdCounts): number {
  return counts.fps.length ? (counts.fps[counts.fps.length - 1] as number) : 0;
}

/** Column k of row-major probabilities, and the rows whose class is k. */
export function oneVsRest(c: Classification, k: number): BinaryScores {
  const probabilities = c.probabilities as Probabilities;
  const scores = new Float64Array(c.n);
  const positive = new Uint8Array(c.n);
  for (let i = 0; i < c.n; i++) {
    scores[i] = probabilities[i * c.classes + k] as number;
    positive[i] = c.yTrue[i] === k ? 1 : 0;
  }
  return { positive, scores };
}

/** Why a binary ROC is undefined, or undefined when both classes occur. */
export function rocUndefined(counts: ThresholdCounts, what = 'y_true'): string | undefined {
  if (counts.tps.length === 0) return 'no rows';
  if (negativesOf(counts) === 0) return `only positive rows in ${what}: ROC needs both classes`;
  if (positivesOf(counts) === 0) return `only negative rows in ${what}: ROC needs both classes`;
  return undefined;
}

/**
 * Keeps the corners of the curve: a point is dropped when both fps and tps
 * change linearly through it (scikit-learn's drop_intermediate=True).
 */
export function dropCollinear(counts: ThresholdCounts): ThresholdCounts {
  const { fps, tps, thresholds } = counts;
  const m = fps.length;
  if (m <= 2) return counts;
  const keep: number[] = [0];
  for (let i = 1; i < m - 1; i++) {
    const fCurve = (fps[i + 1] as number) - 2 * (fps[i] as number) + (fps[i - 1] as number);
    const tCurve = (tps[i + 1] as number) - 2 * (tps[i] as number) + (tps[i - 1] as number);
    if (fCurve !== 0 || tCurve !== 0) keep.push(i);
  }
  keep.push(m - 1);
  const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i] as number);
  return { fps: pick(fps), tps: pick(tps), thresholds: pick(thresholds) };
}

/**
 * Area under the ROC curve by the trapezoidal rule, as scikit-learn's
 * roc_auc_score, summed in counts (2 x area x P x N is a whole number) and
 * divided once: exact, and the same with or without the collinear points
 * roc_curve drops.
 */
export function rocAucFromCounts(counts: ThresholdCounts): MetricResult {
  const reason = rocUndefined(counts);
  if (reason) return undefinedMetric(reason);
  const { fps, tps } = counts;
  let twiceArea = 0;
  let f0 = 0;
  let t0 = 0;
  for (let i = 0; i < fps.length; i++) {
    const f1 = fps[i] as number;
    const t1 = tps[i] as number;
    twiceArea += (f1 - f0) * (t1 + t0);
    f0 = f1;
    t0 = t1;
  }
  return defined(twiceArea / (2 * negativesOf(counts) * positivesOf(counts)));
}

/**
 * Sum over thresholds, highest first, of (R_n - R_{n-1}) * P_n: the step-wise
 * area of scikit-learn's average_precision_score, without interpolation.
 */
export function averagePrecisionFromCounts(counts: ThresholdCounts): MetricResult {
  const positives = positivesOf(counts);
  if (counts.tps.length === 0) return undefinedMetric('no rows');
  if (positives === 0) return undefinedMetric('no positive rows in y_true: recall is undefined');
  let ap = 0;
  let previousRecall = 0;
  for (let i = 0; i < counts.tps.length; i++) {
    const tp = counts.tps[i] as number;
    const recall = tp / positives;
    ap += (recall - previousRecall) * (tp / (tp + (counts.fps[i] as number)));
    previousRecall = recall;
  }
  return defined(Math.max(0, ap));
}

export function rocAuc(scores: BinaryScores): MetricResult {
  return rocAucFromCounts(thresholdCounts(scores));
}

export function averagePrecision(scores: BinaryScores): MetricResult {
  return averagePrecisionFromCounts(thresholdCounts(scores));
}

type BinaryMetric = (counts: ThresholdCounts) => MetricResult;

/** What overClasses needs of a classification: the class count and names, and whether it has probabilities. */
export type ClassesOf = Pick<Classification, 'classes' | 'className' | 'noProbabilities'>;

/**
 * Binary: the metric of the positive class (index 1). Multiclass: the
 * unweighted mean of the one-vs-rest metrics, defined only when every class
 * occurs in y_true, like scikit-learn (which raises otherwise).
 */
export function overClasses(
  c: ClassesOf,
  countsOf: (k: number) => ThresholdCounts,
  metric: BinaryMetric,
  name: string,
): MetricResult {
  if (c.noProbabilities) return undefinedMetric(c.noProbabilities);
  if (c.classes === 2) return metric(countsOf(1));
  const counts = Array.from({ length: c.classes }, (_, k) => countsOf(k));
  const missing = counts.flatMap((k, i) => (positivesOf(k) === 0 ? [c.className(i)] : []));
  if (missing.length > 0) {
    const verb = missing.length === 1 ? 'has' : 'have';
    return undefinedMetric(
      `${missing.join(', ')} ${verb} no rows in y_true: one-vs-rest ${name} needs every class`,
    );
  }
  let sum = 0;
  for (let k = 0; k < c.classes; k++) {
    const result = metric(counts[k] as ThresholdCounts);
    if (!('value' in result)) return undefinedMetric(`${c.className(k)}: ${result.undefined}`);
    sum += result.value;
  }
  return defined(sum / c.classes);
}

export function rocAucScore(c: Classification): MetricResult {
  return overClasses(c, (k) => thresholdCounts(oneVsRest(c, k)), rocAucFromCounts, 'ROC AUC');
}

export function averagePrecisionScore(c: Classification): MetricResult {
  return overClasses(
    c,
    (k) => thresholdCounts(oneVsRest(c, k)),
    averagePrecisionFromCounts,
    'average precision',
  );
}
