import {
  type BinaryScores,
  dropCollinear,
  type MetricResult,
  negativesOf,
  positivesOf,
  rocAucFromCounts,
  rocUndefined,
  thresholdCounts,
} from '@modelgate/core';
import type { CurveResult } from './result.js';

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Decreasing; the first is +Infinity (no row predicted positive), as scikit-learn >= 1.3. */
  thresholds: number[];
  auc: MetricResult;
}

/** scikit-learn's roc_curve(drop_intermediate=True), starting at (0, 0). */
export function rocCurve(scores: BinaryScores): CurveResult<RocCurve> {
  const counts = thresholdCounts(scores);
  const reason = rocUndefined(counts);
  if (reason) return { undefined: reason };
  const { fps, tps, thresholds } = dropCollinear(counts);
  const negatives = negativesOf(counts);
  const positives = positivesOf(counts);
  return {
    curve: {
      fpr: [0, ...Array.from(fps, (f) => f / negatives)],
      tpr: [0, ...Array.from(tps, (t) => t / positives)],
      thresholds: [Number.POSITIVE_INFINITY, ...thresholds],
      auc: rocAucFromCounts(counts),
    },
  };
}
