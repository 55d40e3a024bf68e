/**
 * How far a bench's ratio of pooled percentiles could move by chance: its rounds resampled with
 * replacement (a bootstrap over rounds). The same rounds are drawn for every side, as a round's
 * machine state (steal, a neighbour's load) touched all the sides run in it.
 */

import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { percentile } from './open-loop.js';

/** One side's latencies, a sorted array per round. */
export type Rounds = readonly Float64Array[];

/**
 * The p-th percentile of the picked rounds of the sides together (all rounds when no picks): the
 * k-th smallest of their values, found by counting in the rounds (each sorted) rather than by sorting
 * them together. A 228-round run's bootstrap sorted millions of values hundreds of times: minutes.
 */
export function pooledPercentile(sides: readonly Rounds[], p: number, picks?: readonly number[]): number {
  const chosen = sides
    .flatMap((rounds) => (picks ?? rounds.map((_, i) => i)).map((i) => rounds[i]))
    .filter((round): round is Float64Array => round !== undefined && round.length > 0);
  const total = chosen.reduce((n, round) => n + round.length, 0);
  const k = Math.min(total, Math.ceil((p / 100) * total));
  if (k < 1) return Number.NaN;
  const atOrUnder = (value: number) => chosen.reduce((n, round) => n + countAtOrUnder(round, value), 0);
  // Fewer than k values are at or under lo, and at least k at or under hi: the answer is in (lo, hi].
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Math.max(...chosen.map((round) => round[round.length - 1] as number));
  for (;;) {
    let next = hi;
    for (const round of chosen) {
      const above = round[countAtOrUnder(round, lo)];
      if (above !== undefined && above < next) next = above;
    }
    if (atOrUnder(next) >= k) return next;
    lo = next;
    // Halve (lo, hi]; where no double lies between them, the next pass finds hi itself.
    const mid = lo + (hi - lo) / 2;
    if (mid > lo && mid < hi) {
      if (atOrUnder(mid) >= k) hi = mid;
      else lo = mid;
    }
  }
}

/** How many of a sorted round's values are at or under `value`. */
function countAtOrUnder(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface RatioInterval {
  ratio: number;
  /** The 2.5th and 97.5th percentiles of the resampled ratios. */
  low: number;
  high: number;
}

/** `top`'s pooled percentile ÷ `bottom`'s, and its 95% bootstrap interval over rounds. */
export function ratioInterval(
  top: readonly Rounds[],
  bottom: readonly Rounds[],
  p: number,
  resamples = 300,
): RatioInterval {
  const rounds = Math.min(...[...top, ...bottom].map((side) => side.length));
  // Seeded: the same run prints the same interval.
  const rng = xoroshiro128plus(rounds);
  const ratios: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const picks = Array.from({ length: rounds }, () => uniformInt(rng, 0, rounds - 1));
    ratios.push(pooledPercentile(top, p, picks) / pooledPercentile(bottom, p, picks));
  }
  ratios.sort((a, b) => a - b);
  const at = (q: number) => ratios[Math.min(resamples - 1, Math.floor(q * resamples))] as number;
  return { ratio: pooledPercentile(top, p) / pooledPercentile(bottom, p), low: at(0.025), high: at(0.975) };
}

/**
 * Per round: ln(top's p-th percentile ÷ the geometric mean of the bottom sides' in the same round).
 * A round's sides ran within seconds of each other, so what the machine did then touches both.
 */
export function roundLogRatios(top: Rounds, bottom: readonly Rounds[], p: number): number[] {
  // Each round's latencies are sorted already.
  const at = (round: Float64Array | undefined) => Math.log(percentile(round ?? [], p));
  return top.map((round, i) => at(round) - mean(bottom.map((side) => at(side[i]))));
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/** exp(the mean of per-round log ratios): a geometric mean ratio, with its 95% bootstrap interval over rounds. */
export function meanRoundRatio(logs: readonly number[], resamples = 2000): RatioInterval {
  const rng = xoroshiro128plus(logs.length);
  const means = new Float64Array(resamples);
  const picked = new Float64Array(logs.length);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < logs.length; i++) picked[i] = logs[uniformInt(rng, 0, logs.length - 1)] as number;
    means[b] = mean(picked);
  }
  means.sort();
  const at = (q: number) => Math.exp(means[Math.min(resamples - 1, Math.floor(q * resamples))] as number);
  return { ratio: Math.exp(mean(logs)), low: at(0.025), high: at(0.975) };
}

/**
 * About how many rounds a 95% interval of ×/÷ `within` (1.1: ±10%) around the mean of per-round log
 * ratios needs, at the spread these rounds show (a normal approximation).
 */
export function roundsForInterval(logs: readonly number[], within: number): number {
  const centre = mean(logs);
  const variance = logs.reduce((sum, value) => sum + (value - centre) ** 2, 0) / Math.max(1, logs.length - 1);
  return Math.ceil(((1.96 * Math.sqrt(variance)) / Math.log(within)) ** 2);
}
