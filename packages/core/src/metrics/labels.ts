import { defined, type MetricResult, undefinedMetric } from './result.js';

/** Counts[t][p]: rows of true class t predicted as p, over all classes (scikit-learn's labels=range(C)). */
export function confusionMatrix(yTrue: Int32Array, yPred: Int32Array, classes: number): number[][] {
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const row = counts[yTrue[i] as number] as number[];
    const p = yPred[i] as number;
    row[p] = (row[p] as number) + 1;
  }
  return counts;
}

/**
 * Precision, recall and F1 of one class. A 0/0 is 0, scikit-learn's default
 * (zero_division="warn" returns 0): precision of a class never predicted,
 * recall of a class absent from y_true.
 */
export interface ClassScores {
  support: number;
  predicted: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function perClassScores(confusion: number[][]): ClassScores[] {
  const classes = confusion.length;
  return confusion.map((row, k) => {
    const tp = row[k] as number;
    const support = row.reduce((s, v) => s + v, 0);
    let predicted = 0;
    for (let t = 0; t < classes; t++) predicted += (confusion[t] as number[])[k] as number;
    // F1 as 2TP / (2TP + FP + FN) = 2TP / (predicted + support), scikit-learn >= 1.3; equal to 2PR / (P + R).
    return {
      support,
      predicted,
      truePositives: tp,
      precision: ratio(tp, predicted),
      recall: ratio(tp, support),
      f1: ratio(2 * tp, predicted + support),
    };
  });
}

export type Average = 'macro' | 'weighted';
export type Score = 'precision' | 'recall' | 'f1';

/**
 * Macro: the plain mean over the classes that occur in y_true or y_pred
 * (scikit-learn's labels=None); weighted: the mean weighted by support.
 */
export function averageScore(scores: readonly ClassScores[], score: Score, average: Average): MetricResult {
  const used = scores.filter((s) => s.support + s.predicted > 0);
  if (used.length === 0) return undefinedMetric('no rows');
  if (average === 'macro') return defined(used.reduce((sum, s) => sum + s[score], 0) / used.length);
  const total = used.reduce((sum, s) => sum + s.support, 0);
  return defined(used.reduce((sum, s) => sum + s[score] * s.support, 0) / total);
}

export function accuracy(yTrue: Int32Array, yPred: Int32Array): MetricResult {
  if (yTrue.length === 0) return undefinedMetric('no rows');
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return defined(hits / yTrue.length);
}

/** Mean recall over the classes present in y_true (scikit-learn, adjusted=False). */
export function balancedAccuracy(scores: readonly ClassScores[]): MetricResult {
  const present = scores.filter((s) => s.support > 0);
  if (present.length === 0) return undefinedMetric('no rows');
  return defined(present.reduce((sum, s) => sum + s.recall, 0) / present.length);
}
