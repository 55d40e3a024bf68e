import { twoSidedZ } from './normal-quantile.js';

/** Paired correctness of two classifiers on the same rows: the 2x2 table's discordant cells. */
export interface DiscordantCounts {
  /** Rows only the challenger gets right (b). */
  challengerOnly: number;
  /** Rows only the champion gets right (c). */
  championOnly: number;
  rows: number;
}

/**
 * Tango (1998)'s restricted maximum-likelihood estimate of P(only the champion
 * is right) under the hypothesis accuracy(challenger) - accuracy(champion) = δ:
 * the root in [0, 1] of 2n q² + B q + C = 0 with
 * B = -b - c + (2n - b + c) δ and C = -c δ (1 - δ).
 */
function restrictedChampionOnly(
  { challengerOnly: b, championOnly: c, rows: n }: DiscordantCounts,
  delta: number,
) {
  const a = 2 * n;
  const bb = -b - c + (2 * n - b + c) * delta;
  const cc = -c * delta * (1 - delta);
  const root = Math.sqrt(Math.max(0, bb * bb - 4 * a * cc));
  // The same root written two ways, so neither subtracts two nearly equal numbers.
  return bb <= 0 ? (root - bb) / (2 * a) : (2 * cc) / (-bb - root);
}

/** Variance of the observed difference (b - c) / n when the true difference is δ, under Tango's estimate. */
export function tangoVariance(counts: DiscordantCounts, delta: number): number {
  const q = restrictedChampionOnly(counts, delta);
  return Math.max(0, 2 * q + delta * (1 - delta)) / counts.rows;
}

/**
 * Tango's score statistic for H0: accuracy(challenger) - accuracy(champion) = δ:
 * (b - c - n δ) / sqrt(n (2 q̃ + δ (1 - δ))). It falls as δ grows.
 */
export function tangoStatistic(counts: DiscordantCounts, delta: number): number {
  const { challengerOnly: b, championOnly: c, rows: n } = counts;
  const numerator = b - c - n * delta;
  const variance = n * n * tangoVariance(counts, delta);
  if (variance > 0) return numerator / Math.sqrt(variance);
  return numerator === 0 ? 0 : numerator > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

/** The δ in (low, high) where a decreasing statistic crosses `target`, by bisection to the last bit. */
function crossing(counts: DiscordantCounts, target: number, low: number, high: number): number {
  let lo = low;
  let hi = high;
  for (let i = 0; i < 200 && hi - lo > 0; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (tangoStatistic(counts, mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface TangoInterval {
  low: number;
  high: number;
  level: number;
}

/**
 * Tango's asymptotic score interval for the difference of two paired
 * proportions (Tango 1998, Statistics in Medicine 17:891-908): every δ whose
 * score statistic stays within ±z. Good coverage down to small n and few
 * discordant rows (Fagerland, Lydersen & Laake 2014), and it never leaves [-1, 1].
 */
export function tangoInterval(counts: DiscordantCounts, level: number): TangoInterval {
  const { challengerOnly: b, championOnly: c, rows: n } = counts;
  if (n <= 0) throw new RangeError('expected at least one row');
  const z = twoSidedZ(level);
  const estimate = (b - c) / n;
  const low = estimate <= -1 ? -1 : crossing(counts, z, -1, estimate);
  const high = estimate >= 1 ? 1 : crossing(counts, -z, estimate, 1);
  return { low, high, level };
}

/**
 * Tango's non-inferiority test: the challenger's accuracy is not below the
 * champion's by `margin` or more when the statistic at δ = -margin exceeds
 * the interval's z, exactly when the interval's lower bound is above -margin.
 * Deciding on the statistic avoids the root search; the tiny slack puts
 * floating-point ties on the failing side.
 */
export function tangoNonInferior(counts: DiscordantCounts, margin: number, level: number): boolean {
  return tangoStatistic(counts, -margin) > twoSidedZ(level) + 1e-9;
}
