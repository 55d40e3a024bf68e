import { binomialHalfCdf } from './binomial.js';
import { chiSquared1Survival } from './chi-squared.js';

/** Below this many discordant rows the exact binomial test is used, else chi-squared with continuity correction. */
export const MCNEMAR_EXACT_BELOW = 25;

export interface McNemarResult {
  /** Rows the challenger gets right and the champion wrong. */
  challengerOnly: number;
  /** Rows the champion gets right and the challenger wrong. */
  championOnly: number;
  method: 'exact' | 'chi2';
  /** exact: min(b, c); chi2: (|b - c| - 1)^2 / (b + c). */
  statistic: number;
  /** Two-sided. */
  pValue: number;
}

/**
 * McNemar's test on the discordant counts b and c, with statsmodels'
 * formulas (statsmodels.stats.contingency_tables.mcnemar): exact = two-sided
 * binomial, min(1, 2 P(X <= min(b, c))) for X ~ Bin(b + c, 1/2); chi2 =
 * (|b - c| - 1)^2 / (b + c) against chi-squared(1). statsmodels makes the
 * caller choose; here b + c < 25 chooses exact, the usual rule of thumb.
 * No discordant rows: p = 1.
 */
export function mcnemar(b: number, c: number, method?: 'exact' | 'chi2'): McNemarResult {
  const n = b + c;
  const use = method ?? (n < MCNEMAR_EXACT_BELOW ? 'exact' : 'chi2');
  if (n === 0) return { challengerOnly: b, championOnly: c, method: use, statistic: 0, pValue: 1 };
  if (use === 'exact') {
    const k = Math.min(b, c);
    return {
      challengerOnly: b,
      championOnly: c,
      method: use,
      statistic: k,
      pValue: Math.min(1, 2 * binomialHalfCdf(k, n)),
    };
  }
  const statistic = (Math.abs(b - c) - 1) ** 2 / n;
  return {
    challengerOnly: b,
    championOnly: c,
    method: use,
    statistic,
    pValue: chiSquared1Survival(statistic),
  };
}

/** Discordant pairs of two label predictions of the same rows. */
export function discordantPairs(
  yTrue: Int32Array,
  challenger: Int32Array,
  champion: Int32Array,
): { challengerOnly: number; championOnly: number } {
  let challengerOnly = 0;
  let championOnly = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const a = challenger[i] === yTrue[i];
    const b = champion[i] === yTrue[i];
    if (a && !b) challengerOnly++;
    else if (b && !a) championOnly++;
  }
  return { challengerOnly, championOnly };
}
