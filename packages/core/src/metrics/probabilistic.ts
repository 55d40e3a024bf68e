import type { Classification, Probabilities } from './inputs.js';
import { checkBinCount, reliabilityBins } from './reliability.js';
import { defined, type MetricResult, undefinedMetric } from './result.js';
import { CompensatedSum } from './sum.js';

export const DEFAULT_ECE_BINS = 10;

/** The machine epsilon of the probabilities' float type, as numpy's finfo(dtype).eps. */
export function dtypeEpsilon(probabilities: Probabilities): number {
  return probabilities instanceof Float32Array ? 2 ** -23 : 2 ** -52;
}

/**
 * Mean of -log p[i, y_i], with p clipped to [eps, 1 - eps] where eps is the
 * float type's epsilon, and rows not renormalised: scikit-learn >= 1.5
 * (1.2-1.4 renormalise rows, which differs only for rows not summing to 1).
 * Defined for a one-class holdout: the classes are known (labels=range(C)).
 */
export function logLoss(c: Classification): MetricResult {
  if (c.noProbabilities) return undefinedMetric(c.noProbabilities);
  if (c.n === 0) return undefinedMetric('no rows');
  const p = c.probabilities as Probabilities;
  const eps = dtypeEpsilon(p);
  const sum = new CompensatedSum();
  for (let i = 0; i < c.n; i++) {
    const q = p[i * c.classes + (c.yTrue[i] as number)] as number;
    sum.add(-Math.log(Math.min(1 - eps, Math.max(eps, q))));
  }
  return defined(sum.value / c.n);
}

/**
 * Binary: mean (p_1 - y)^2, scikit-learn's brier_score_loss of the positive
 * column. Multiclass: mean over rows and classes of (p_k - [y = k])^2, which is
 * the binary value again for C = 2 and scikit-learn >= 1.7's multiclass
 * brier_score_loss (a sum over classes) divided by C; it stays in [0, 1].
 */
export function brier(c: Classification): MetricResult {
  if (c.noProbabilities) return undefinedMetric(c.noProbabilities);
  if (c.n === 0) return undefinedMetric('no rows');
  const p = c.probabilities as Probabilities;
  const sum = new CompensatedSum();
  for (let i = 0; i < c.n; i++) {
    const y = c.yTrue[i] as number;
    if (c.classes === 2) {
      sum.add(((p[i * 2 + 1] as number) - y) ** 2);
      continue;
    }
    let row = 0;
    for (let k = 0; k < c.classes; k++) row += ((p[i * c.classes + k] as number) - (k === y ? 1 : 0)) ** 2;
    sum.add(row / c.classes);
  }
  return defined(sum.value / c.n);
}

/**
 * What calibration is measured on. Binary: the positive-class probability
 * against y = 1. Multiclass: the top-label confidence (max p) against whether
 * the top label (first maximum) is right.
 */
export function calibrationTarget(c: Classification): { outcome: Uint8Array; confidence: Float64Array } {
  const p = c.probabilities as Probabilities;
  const outcome = new Uint8Array(c.n);
  const confidence = new Float64Array(c.n);
  for (let i = 0; i < c.n; i++) {
    const y = c.yTrue[i] as number;
    if (c.classes === 2) {
      confidence[i] = p[i * 2 + 1] as number;
      outcome[i] = y === 1 ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let k = 1; k < c.classes; k++) {
      if ((p[i * c.classes + k] as number) > (p[i * c.classes + best] as number)) best = k;
    }
    confidence[i] = p[i * c.classes + best] as number;
    outcome[i] = best === y ? 1 : 0;
  }
  return { outcome, confidence };
}

export function outsideUnitInterval(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < 0 || v > 1) return i;
  }
  return -1;
}

/**
 * Expected calibration error: sum over the equal-width bins of
 * n_b / N * |fraction positive_b - mean predicted_b|, the bins being those of
 * calibration_curve(strategy="uniform"), on calibrationTarget's values.
 */
export function expectedCalibrationError(c: Classification, nBins = DEFAULT_ECE_BINS): MetricResult {
  checkBinCount(nBins);
  if (c.noProbabilities) return undefinedMetric(c.noProbabilities);
  if (c.n === 0) return undefinedMetric('no rows');
  const { outcome, confidence } = calibrationTarget(c);
  const bad = outsideUnitInterval(confidence);
  if (bad >= 0) return undefinedMetric(`probability ${confidence[bad]} (row ${bad}) is outside [0, 1]`);
  let ece = 0;
  for (const b of reliabilityBins(outcome, confidence, nBins).bins) {
    ece += (b.count / c.n) * Math.abs(b.fractionPositive - b.meanPredicted);
  }
  return defined(ece);
}
