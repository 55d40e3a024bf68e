import type { RowScorer } from '@modelgate/core';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { quantileSorted } from './quantile.js';

export const DEFAULT_BOOTSTRAP_REPLICATES = 1000;
export const DEFAULT_BOOTSTRAP_SEED = 42;
export const DEFAULT_CONFIDENCE = 0.95;
/** Below this share of replicates with both metrics defined, the interval is undefined. */
export const MIN_DEFINED_SHARE = 0.9;

export interface BootstrapOptions {
  replicates?: number;
  seed?: number;
  /** Two-sided confidence level of the percentile interval; default 0.95. */
  level?: number;
  /** Row draws to use instead of the seeded ones (tests compare with numpy's draws). */
  resamples?: readonly Int32Array[];
}

export interface BootstrapInterval {
  low: number;
  high: number;
  level: number;
  replicates: number;
  /** Replicates in which both metrics were defined (a resample may hold one class only). */
  used: number;
  seed: number;
}

export type IntervalResult = BootstrapInterval | { undefined: string };

/** `count` resamples of n rows with replacement, from xoroshiro128+ seeded with `seed`. */
export function* seededResamples(n: number, count: number, seed: number): Generator<Int32Array> {
  const rng = xoroshiro128plus(seed);
  for (let b = 0; b < count; b++) {
    const rows = new Int32Array(n);
    for (let i = 0; i < n; i++) rows[i] = uniformInt(rng, 0, n - 1);
    yield rows;
  }
}

/**
 * Paired percentile bootstrap of metric(challenger) - metric(champion): each
 * replicate scores both models on the same resampled rows, so the interval
 * reflects the difference on identical rows, not two independent spreads.
 * The bounds are numpy.quantile (linear) of the replicate differences.
 */
export function pairedBootstrap(
  n: number,
  challenger: RowScorer,
  champion: RowScorer,
  options: BootstrapOptions = {},
): IntervalResult {
  const level = options.level ?? DEFAULT_CONFIDENCE;
  if (!(level > 0 && level < 1)) throw new RangeError(`expected a confidence level in (0, 1), got ${level}`);
  const seed = options.seed ?? DEFAULT_BOOTSTRAP_SEED;
  const replicates = options.resamples?.length ?? options.replicates ?? DEFAULT_BOOTSTRAP_REPLICATES;
  if (!Number.isInteger(replicates) || replicates < 1) {
    throw new RangeError(`expected a whole number of bootstrap replicates >= 1, got ${replicates}`);
  }
  if (n === 0) return { undefined: 'no rows' };
  const draws = options.resamples ?? seededResamples(n, replicates, seed);
  const differences: number[] = [];
  let lastReason = '';
  for (const rows of draws) {
    const a = challenger(rows);
    const b = champion(rows);
    if ('value' in a && 'value' in b) differences.push(a.value - b.value);
    else lastReason = 'undefined' in a ? a.undefined : (b as { undefined: string }).undefined;
  }
  if (differences.length < MIN_DEFINED_SHARE * replicates) {
    return {
      undefined: `the metric is undefined in ${replicates - differences.length} of ${replicates} bootstrap resamples (${lastReason})`,
    };
  }
  const sorted = Float64Array.from(differences).sort();
  const tail = (1 - level) / 2;
  return {
    low: quantileSorted(sorted, tail),
    high: quantileSorted(sorted, 1 - tail),
    level,
    replicates,
    used: differences.length,
    seed,
  };
}
