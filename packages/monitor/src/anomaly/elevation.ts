import { gammaQ } from '@modelgate/core';

/** An outlier rate is elevated when all three hold: enough outliers, twice the expected rate, and significant. */
export const ELEVATION = { minOutliers: 5, factor: 2, pValue: 0.001 } as const;

export interface Elevation {
  /** The rate the reference leads to expect (floored at one reference row). */
  expected: number;
  /** P(at least this many outliers | expected rate): Poisson upper tail. */
  pValue: number;
  elevated: boolean;
}

/** P(X ≥ k) for X ~ Poisson(λ): the regularised lower incomplete gamma function P(k, λ). */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  return Math.min(1, Math.max(0, 1 - gammaQ(k, lambda)));
}

/**
 * Whether `outliers` of `rows` is more than the reference explains. A rate
 * of 0 in the reference only says it is below one in `referenceRows`, so
 * the expectation is floored there.
 */
export function outlierElevation(
  outliers: number,
  rows: number,
  referenceRate: number,
  referenceRows: number,
): Elevation {
  const expected = Math.max(referenceRate, 1 / Math.max(1, referenceRows));
  const k = Math.round(outliers);
  const pValue = poissonUpperTail(k, expected * rows);
  const elevated =
    k >= ELEVATION.minOutliers && k >= ELEVATION.factor * expected * rows && pValue < ELEVATION.pValue;
  return { expected, pValue, elevated };
}
