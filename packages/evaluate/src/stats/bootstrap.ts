import type { RowScorer } from '@modelgate/core';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { quantileSorted } from './quantile.js';

export const DEFAULT_BOOTSTRAP_REPLICATES = 1000;
export const DEFAULT_BOOTSTRAP_SEED = 42;
export const DEFAULT_CONFIDENCE = 0.95;
/** Below this share of replicates with both metrics defined, the interval is undefined. */
export const MIN_DEFINED_SHARE = 0.9;
/** Near a boundary, resamples double up to this many times the configured count. */
export const MAX_REFINEMENT = 16;
/** A bound within this many Monte Carlo errors of its boundary gets more resamples. */
export const REFINE_WITHIN = 2;

export interface BootstrapOptions {
  replicates?: number;
  seed?: number;
  /** Two-sided confidence level of the percentile interval; default 0.95. */
  level?: number;
  /** Row draws to use instead of the seeded ones (tests compare with numpy's draws); never refined. */
  resamples?: readonly Int32Array[];
}

export interface BootstrapInterval {
  method: 'paired-bootstrap';
  low: number;
  high: number;
  level: number;
  /** Resamples drawn: the configured count, or more where a bound was near its boundary. */
  replicates: number;
  /** Replicates in which both metrics were defined (a resample may hold one class only). */
  used: number;
  seed: number;
  /** Standard deviation of the replicate differences: the bootstrap standard error. */
  standardError: number;
  /** Monte Carlo error of the bound that decides (the one facing the boundary, else the lower). */
  monteCarloError: number;
}

export type BootstrapResult = BootstrapInterval | { undefined: string };

/** A difference to resample: two scorers on the same rows, and the threshold a rule compares a bound with. */
export interface BootstrapTarget {
  challenger: RowScorer;
  champion: RowScorer;
  /** A bound of challenger - champion is compared with `value`; resamples are added while it is too close to call. */
  boundary?: { side: 'low' | 'high'; value: number };
}

/** `count` resamples of n rows with replacement, from xoroshiro128+ seeded with `seed`. */
export function* seededResamples(n: number, count: number, seed: number): Generator<Int32Array> {
  const rng = xoroshiro128plus(seed);
  for (let b = 0; b < count; b++) yield drawRows(rng, n);
}

function drawRows(rng: ReturnType<typeof xoroshiro128plus>, n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = uniformInt(rng, 0, n - 1);
  return rows;
}

/**
 * Monte Carlo error of the q-quantile of B replicates: half the spread of the
 * order statistics √(B q (1 - q)) ranks either side of it, about one standard
 * error of the estimate, with no assumption on the replicates' distribution.
 */
export function quantileMonteCarloError(sorted: ArrayLike<number>, q: number): number {
  const b = sorted.length;
  const step = Math.sqrt((q * (1 - q)) / b);
  return (quantileSorted(sorted, Math.min(1, q + step)) - quantileSorted(sorted, Math.max(0, q - step))) / 2;
}

interface TargetState {
  target: BootstrapTarget;
  differences: number[];
  drawn: number;
  lastReason: string;
}

function score(state: TargetState, rows: Int32Array): void {
  const a = state.target.challenger(rows);
  const b = state.target.champion(rows);
  state.drawn++;
  if ('value' in a && 'value' in b) state.differences.push(a.value - b.value);
  else state.lastReason = 'undefined' in a ? a.undefined : (b as { undefined: string }).undefined;
}

function summarise(state: TargetState, level: number, seed: number): BootstrapResult {
  const { differences, drawn } = state;
  if (differences.length < MIN_DEFINED_SHARE * drawn) {
    return {
      undefined: `the metric is undefined in ${drawn - differences.length} of ${drawn} bootstrap resamples (${state.lastReason})`,
    };
  }
  const sorted = Float64Array.from(differences).sort();
  const tail = (1 - level) / 2;
  const mean = differences.reduce((s, d) => s + d, 0) / differences.length;
  const spread = differences.reduce((s, d) => s + (d - mean) ** 2, 0) / Math.max(1, differences.length - 1);
  const deciding = state.target.boundary?.side === 'high' ? 1 - tail : tail;
  return {
    method: 'paired-bootstrap',
    low: quantileSorted(sorted, tail),
    high: quantileSorted(sorted, 1 - tail),
    level,
    replicates: drawn,
    used: differences.length,
    seed,
    standardError: Math.sqrt(spread),
    monteCarloError: quantileMonteCarloError(sorted, deciding),
  };
}

function tooCloseToCall(result: BootstrapResult, boundary: BootstrapTarget['boundary']): boolean {
  if (!boundary || 'undefined' in result) return false;
  const bound = boundary.side === 'low' ? result.low : result.high;
  return Math.abs(bound - boundary.value) <= REFINE_WITHIN * result.monteCarloError;
}

/**
 * Paired percentile bootstraps of several metric differences over one set of
 * resamples: each resample is drawn once and every metric scores both models
 * on it, so all intervals rest on the same rows. A bound within twice its
 * Monte Carlo error of the threshold a rule compares it with gets more
 * resamples (doubling, up to 16 times the configured count), continuing the
 * same seeded stream, so the verdict does not hang on the seed.
 * The bounds are numpy.quantile (linear) of the replicate differences.
 */
export function sharedPairedBootstrap<K extends string>(
  n: number,
  targets: Readonly<Record<K, BootstrapTarget>>,
  options: BootstrapOptions = {},
): Record<K, BootstrapResult> {
  const level = options.level ?? DEFAULT_CONFIDENCE;
  if (!(level > 0 && level < 1)) throw new RangeError(`expected a confidence level in (0, 1), got ${level}`);
  const seed = options.seed ?? DEFAULT_BOOTSTRAP_SEED;
  const replicates = options.resamples?.length ?? options.replicates ?? DEFAULT_BOOTSTRAP_REPLICATES;
  if (!Number.isInteger(replicates) || replicates < 1) {
    throw new RangeError(`expected a whole number of bootstrap replicates >= 1, got ${replicates}`);
  }
  const keys = Object.keys(targets) as K[];
  const out = {} as Record<K, BootstrapResult>;
  if (n === 0) {
    for (const key of keys) out[key] = { undefined: 'no rows' };
    return out;
  }
  const states = new Map<K, TargetState>(
    keys.map((key) => [key, { target: targets[key], differences: [], drawn: 0, lastReason: '' }]),
  );
  if (options.resamples) {
    for (const rows of options.resamples) for (const state of states.values()) score(state, rows);
    for (const [key, state] of states) out[key] = summarise(state, level, seed);
    return out;
  }
  const rng = xoroshiro128plus(seed);
  const draw = (active: TargetState[], count: number) => {
    for (let b = 0; b < count; b++) {
      const rows = drawRows(rng, n);
      for (const state of active) score(state, rows);
    }
  };
  // Targets leave the active set for good, so each one's resamples are a prefix of the one stream.
  let active = [...states.values()];
  let batch = replicates;
  while (active.length > 0) {
    draw(active, batch);
    const drawn = active[0]?.drawn ?? 0;
    active =
      drawn * 2 <= replicates * MAX_REFINEMENT
        ? active.filter((state) => tooCloseToCall(summarise(state, level, seed), state.target.boundary))
        : [];
    batch = drawn;
  }
  for (const [key, state] of states) out[key] = summarise(state, level, seed);
  return out;
}

/** The paired percentile bootstrap of one metric difference: metric(challenger) - metric(champion). */
export function pairedBootstrap(
  n: number,
  challenger: RowScorer,
  champion: RowScorer,
  options: BootstrapOptions & { boundary?: BootstrapTarget['boundary'] } = {},
): BootstrapResult {
  const { boundary, ...rest } = options;
  return sharedPairedBootstrap(
    n,
    { metric: { challenger, champion, ...(boundary ? { boundary } : {}) } },
    rest,
  ).metric;
}
