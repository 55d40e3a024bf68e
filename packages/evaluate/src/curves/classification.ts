import {
  type ClassificationInput,
  DEFAULT_ECE_BINS,
  oneVsRest,
  resolveClassification,
} from '@modelgate/core';
import { type CalibrationCurve, calibrationCurve } from './calibration.js';
import { type PrecisionRecallCurve, precisionRecallCurve } from './precision-recall.js';
import type { CurveResult } from './result.js';
import { type RocCurve, rocCurve } from './roc.js';

export interface ClassCurves {
  /** The class whose probability column is ranked (binary: the positive class only). */
  class: number;
  name: string;
  roc: CurveResult<RocCurve>;
  precisionRecall: CurveResult<PrecisionRecallCurve>;
}

export interface ClassificationCurves {
  perClass: ClassCurves[];
  calibration: CurveResult<CalibrationCurve>;
}

/** ROC and precision-recall per class (one-vs-rest; binary: the positive class) and the reliability curve. */
export function classificationCurves(
  input: ClassificationInput,
  options: { calibrationBins?: number } = {},
): ClassificationCurves {
  const c = resolveClassification(input);
  const ranked = c.classes === 2 ? [1] : Array.from({ length: c.classes }, (_, k) => k);
  const perClass = ranked.map((k): ClassCurves => {
    if (c.noProbabilities) {
      const none = { undefined: c.noProbabilities };
      return { class: k, name: c.className(k), roc: none, precisionRecall: none };
    }
    const scores = oneVsRest(c, k);
    return {
      class: k,
      name: c.className(k),
      roc: rocCurve(scores),
      precisionRecall: precisionRecallCurve(scores),
    };
  });
  return { perClass, calibration: calibrationCurve(c, options.calibrationBins ?? DEFAULT_ECE_BINS) };
}
