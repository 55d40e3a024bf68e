import { clipProbability, kolmogorovSf, roundHalfEven } from '@modelgate/core';
import { probabilityOutsideBand, probabilityOutsideSquare } from './ks-exact.js';
import { type WeightedValues, walkUnion } from './weighted.js';

/** Like scipy's method='auto': exact when both samples have at most this many values. */
const MAX_EXACT_N = 10_000;

export interface KsResult {
  statistic: number;
  pValue: number;
  mode: 'exact' | 'asymp';
}

/** sup |F_a − F_b| over the union of both value sets (the two-sided two-sample statistic). */
export function ksStatistic(a: WeightedValues, b: WeightedValues): number {
  let max = 0;
  let min = 0;
  walkUnion(a, b, (_, cumA, cumB) => {
    const diff = cumA / a.total - cumB / b.total;
    if (diff > max) max = diff;
    if (diff < min) min = diff;
  });
  return Math.max(max, Math.min(1, -min));
}

function gcd(a: number, b: number): number {
  let [x, y] = [a, b];
  while (y) [x, y] = [y, x % y];
  return x;
}

/** The exact p-value on scipy's lattice: d snapped to h / lcm(n1, n2); null when the sum leaves [0, 1]. */
function exactPValue(d: number, n1: number, n2: number): { statistic: number; pValue: number | null } {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const statistic = h / lcm;
  if (h === 0) return { statistic, pValue: 1 };
  const p = n1 === n2 ? probabilityOutsideSquare(n1, h) : probabilityOutsideBand(n1, n2, g, h);
  return { statistic, pValue: p >= 0 && p <= 1 ? p : null };
}

/**
 * The two-sided p-value of a two-sample KS statistic `d` for sample sizes
 * n1 and n2, as scipy.stats.ks_2samp(method='auto'): exact when both are at
 * most 10 000 (falling back as scipy does when the exact sum leaves [0, 1]),
 * else kstwo.sf(d, round(n1·n2 / (n1 + n2))).
 */
export function ksPValue(d: number, n1: number, n2: number): KsResult {
  let statistic = d;
  if (Math.max(n1, n2) <= MAX_EXACT_N) {
    const exact = exactPValue(d, n1, n2);
    statistic = exact.statistic;
    if (exact.pValue !== null) return { statistic, pValue: exact.pValue, mode: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  return { statistic, pValue: clipProbability(kolmogorovSf(roundHalfEven(en), statistic)), mode: 'asymp' };
}

/** scipy.stats.ks_2samp(a, b) on weighted values: the statistic and its p-value. */
export function ksTest(a: WeightedValues, b: WeightedValues): KsResult {
  return ksPValue(ksStatistic(a, b), a.total, b.total);
}
