import { binomialUpperTail } from '../stats/binomial.js';

/**
 * An outlier rate is elevated when all three hold: enough outliers, odds of
 * an outlier row at least `oddsRatio` times the expected odds, and a binomial
 * test significant at `pValue`. The odds ratio is about "twice the rate" for
 * rare outliers and still reachable when the expected rate is 50% or more.
 */
export const ELEVATION = { minOutliers: 5, oddsRatio: 2, pValue: 0.001 } as const;

export interface Elevation {
  /** The rate the reference leads to expect (floored at one reference row). */
  expected: number;
  /** P(at least this many outlier rows | the expected rate): the binomial upper tail. */
  pValue: number;
  /** The observed odds of an outlier row over the expected odds (∞ when every row is one). */
  oddsRatio: number;
  elevated: boolean;
}

function odds(rate: number): number {
  return rate >= 1 ? Number.POSITIVE_INFINITY : rate / (1 - rate);
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
  const n = Math.round(rows);
  const k = Math.min(n, Math.round(outliers));
  const pValue = binomialUpperTail(k, n, expected);
  const oddsRatio = n > 0 ? odds(k / n) / odds(expected) : 0;
  const elevated =
    k >= ELEVATION.minOutliers && oddsRatio >= ELEVATION.oddsRatio && pValue < ELEVATION.pValue;
  return { expected, pValue, oddsRatio: Number.isNaN(oddsRatio) ? 0 : oddsRatio, elevated };
}
