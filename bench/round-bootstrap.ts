/**
 * How far a bench's ratio of pooled percentiles could move by chance: its rounds resampled with
 * replacement (a bootstrap over rounds). The same rounds are drawn for every side, as a round's
 * machine state (steal, a neighbour's load) touched all the sides run in it.
 */

import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** One side's latencies, a sorted array per round. */
export type Rounds = readonly Float64Array[];

/** The p-th percentile of the picked rounds of the sides together (all rounds when no picks). */
export function pooledPercentile(sides: readonly Rounds[], p: number, picks?: readonly number[]): number {
  const chosen = sides.flatMap((rounds) => (picks ?? rounds.map((_, i) => i)).map((i) => rounds[i]));
  const total = chosen.reduce((n, round) => n + (round?.length ?? 0), 0);
  const all = new Float64Array(total);
  let at = 0;
  for (const round of chosen) {
    if (!round) continue;
    all.set(round, at);
    at += round.length;
  }
  all.sort();
  return all[Math.min(total - 1, Math.ceil((p / 100) * total) - 1)] ?? Number.NaN;
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
