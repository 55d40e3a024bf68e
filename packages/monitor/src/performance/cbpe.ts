import { perClassScores, rocAucFromCounts, type ThresholdCounts } from '@modelgate/core';
import { argmax } from './metrics.js';
import type { MetricValues } from './types.js';

/**
 * Expected true/false positives at each distinct score, highest first: a
 * row adds its calibrated probability of being positive to the true
 * positives and the rest to the false ones.
 */
function expectedCounts(scores: Float64Array, positive: Float64Array): ThresholdCounts {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[b] as number) - (scores[a] as number),
  );
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < n; i++) {
    const row = order[i] as number;
    tp += positive[row] as number;
    fp += 1 - (positive[row] as number);
    const score = scores[row] as number;
    if (i === n - 1 || scores[order[i + 1] as number] !== score) {
      tps.push(tp);
      fps.push(fp);
      thresholds.push(score);
    }
  }
  return {
    fps: Float64Array.from(fps),
    tps: Float64Array.from(tps),
    thresholds: Float64Array.from(thresholds),
  };
}

function expectedAuc(
  raw: Float32Array | Float64Array,
  calibrated: Float64Array,
  classes: number,
  k: number,
): number | null {
  const n = raw.length / classes;
  const scores = new Float64Array(n);
  const positive = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    scores[i] = raw[i * classes + k] as number;
    positive[i] = calibrated[i * classes + k] as number;
  }
  const result = rocAucFromCounts(expectedCounts(scores, positive));
  return 'value' in result ? result.value : null;
}

/**
 * Confidence-based performance estimation (NannyML's CBPE) of one chunk:
 * with calibrated probabilities q, the expected confusion matrix has
 * E[C(true j, predicted k)] = Σ over rows predicted k of q_j, which gives the
 * expected accuracy (the mean q of the predicted class), per-class F1 and
 * their macro mean; the expected ROC AUC ranks rows by the model's own
 * scores with q as the chance each is positive. Exact in expectation when q
 * is calibrated for the chunk, i.e. without concept drift.
 */
export function estimateClassification(
  raw: Float32Array | Float64Array,
  calibrated: Float64Array,
  classes: number,
  yPred: Int32Array = argmax(raw, classes),
): MetricValues {
  const n = yPred.length;
  if (n === 0)
    return { accuracy: null, f1_macro: null, roc_auc: null, ...(classes === 2 ? { f1: null } : {}) };
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const k = yPred[i] as number;
    correct += calibrated[i * classes + k] as number;
    for (let j = 0; j < classes; j++)
      (confusion[j] as number[])[k] =
        ((confusion[j] as number[])[k] as number) + (calibrated[i * classes + j] as number);
  }
  const scores = perClassScores(confusion);
  const used = scores.filter((s) => s.support + s.predicted > 0);
  const f1Macro = used.length > 0 ? used.reduce((sum, s) => sum + s.f1, 0) / used.length : null;
  let auc: number | null;
  if (classes === 2) auc = expectedAuc(raw, calibrated, 2, 1);
  else {
    const each = Array.from({ length: classes }, (_, k) => expectedAuc(raw, calibrated, classes, k));
    auc = each.some((a) => a === null) ? null : (each as number[]).reduce((s, a) => s + a, 0) / classes;
  }
  return {
    accuracy: correct / n,
    ...(classes === 2 ? { f1: scores[1]?.f1 ?? null } : {}),
    f1_macro: f1Macro,
    roc_auc: auc,
  };
}
