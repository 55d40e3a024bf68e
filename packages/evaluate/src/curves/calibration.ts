import {
  type Classification,
  calibrationTarget,
  DEFAULT_ECE_BINS,
  outsideUnitInterval,
  type ReliabilityBin,
  reliabilityBins,
} from '@modelgate/core';
import type { CurveResult } from './result.js';

export interface CalibrationCurve {
  /** What is calibrated: the positive class's probability, or the top label's confidence. */
  of: 'positive-class' | 'top-label';
  edges: number[];
  /** The non-empty bins, as scikit-learn's calibration_curve(strategy="uniform") returns them. */
  bins: ReliabilityBin[];
}

export function calibrationCurve(c: Classification, nBins = DEFAULT_ECE_BINS): CurveResult<CalibrationCurve> {
  if (c.noProbabilities) return { undefined: c.noProbabilities };
  if (c.n === 0) return { undefined: 'no rows' };
  const { outcome, confidence } = calibrationTarget(c);
  const bad = outsideUnitInterval(confidence);
  if (bad >= 0) return { undefined: `probability ${confidence[bad]} (row ${bad}) is outside [0, 1]` };
  const { edges, bins } = reliabilityBins(outcome, confidence, nBins);
  return { curve: { of: c.classes === 2 ? 'positive-class' : 'top-label', edges: Array.from(edges), bins } };
}
