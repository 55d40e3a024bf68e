import { fitIsotonic, type IsotonicFit, predictIsotonic } from './isotonic.js';

/** Row-major [rows, classes] class probabilities. */
export type ProbabilityRows = Float32Array | Float64Array;

/** Per-class isotonic maps fitted on reference predictions with labels (binary: the positive class only). */
export interface Calibrator {
  classes: number;
  fits: IsotonicFit[];
  /** Reference rows the maps were fitted on. */
  rows: number;
}

/**
 * Fits the calibration CBPE reads probabilities through: for each class k,
 * isotonic regression of [y = k] on the model's p_k over the reference rows
 * (NannyML fits one calibrator per class the same way).
 */
export function fitCalibrator(
  yTrue: Int32Array,
  probabilities: ProbabilityRows,
  classes: number,
): Calibrator {
  const n = yTrue.length;
  const fitted = classes === 2 ? [1] : Array.from({ length: classes }, (_, k) => k);
  const fits = fitted.map((k) => {
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = probabilities[i * classes + k] as number;
      y[i] = yTrue[i] === k ? 1 : 0;
    }
    return fitIsotonic(x, y);
  });
  return { classes, fits, rows: n };
}

/**
 * Calibrated probabilities, rows summing to 1: binary rows are (1 − q, q)
 * from the positive class's map; multiclass rows are each class's map,
 * renormalised (uniform when every map reads 0).
 */
export function calibrate(
  calibrator: Calibrator | null,
  probabilities: ProbabilityRows,
  classes: number,
): Float64Array {
  const out = Float64Array.from(probabilities);
  if (!calibrator) return out;
  const rows = probabilities.length / classes;
  for (let i = 0; i < rows; i++) {
    if (classes === 2) {
      const q = predictIsotonic(calibrator.fits[0] as IsotonicFit, probabilities[i * 2 + 1] as number);
      out[i * 2] = 1 - q;
      out[i * 2 + 1] = q;
      continue;
    }
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      const q = predictIsotonic(calibrator.fits[k] as IsotonicFit, probabilities[i * classes + k] as number);
      out[i * classes + k] = q;
      sum += q;
    }
    for (let k = 0; k < classes; k++)
      out[i * classes + k] = sum > 0 ? (out[i * classes + k] as number) / sum : 1 / classes;
  }
  return out;
}
