import {
  averagePrecisionFromCounts,
  type BinaryScores,
  type MetricResult,
  positivesOf,
  thresholdCounts,
} from '@modelgate/core';
import type { CurveResult } from './result.js';

export interface PrecisionRecallCurve {
  /** Recall decreasing to 0; the last point (precision 1, recall 0) has no threshold. */
  precision: number[];
  recall: number[];
  /** Increasing, one fewer than the points. */
  thresholds: number[];
  averagePrecision: MetricResult;
}

/**
 * scikit-learn's precision_recall_curve (every threshold, no interpolation).
 * Undefined without positive rows, where scikit-learn sets recall to 1.
 */
export function precisionRecallCurve(scores: BinaryScores): CurveResult<PrecisionRecallCurve> {
  const counts = thresholdCounts(scores);
  if (counts.tps.length === 0) return { undefined: 'no rows' };
  const positives = positivesOf(counts);
  if (positives === 0) return { undefined: 'no positive rows in y_true: recall is undefined' };
  const m = counts.tps.length;
  const precision: number[] = [];
  const recall: number[] = [];
  const thresholds: number[] = [];
  for (let i = m - 1; i >= 0; i--) {
    const tp = counts.tps[i] as number;
    precision.push(tp / (tp + (counts.fps[i] as number)));
    recall.push(tp / positives);
    thresholds.push(counts.thresholds[i] as number);
  }
  precision.push(1);
  recall.push(0);
  return { curve: { precision, recall, thresholds, averagePrecision: averagePrecisionFromCounts(counts) } };
}
