import type { DatasetFingerprint } from '../data/fingerprint.js';
import type { QuantileSketch } from './sketch.js';

export const PROFILE_VERSION = 2;
/** Older versions still read (see upgrade.ts for what each becomes). */
export const READABLE_PROFILE_VERSIONS: readonly number[] = [1, PROFILE_VERSION];
/** Columns with at most this many distinct finite values keep them all, with counts (`NumericStats.values`). */
export const EXACT_VALUES_MAX = 10_000;

export const PROFILE_QUANTILES = {
  p1: 0.01,
  p5: 0.05,
  p25: 0.25,
  p50: 0.5,
  p75: 0.75,
  p95: 0.95,
  p99: 0.99,
} as const;
export type QuantileName = keyof typeof PROFILE_QUANTILES;
export type Quantiles = Record<QuantileName, number>;

/** Bins of the display histogram: `counts[i]` values in [edges[i], edges[i + 1]), the last bin closed. */
export interface Histogram {
  edges: number[];
  counts: number[];
}

/**
 * Moments of the finite values. count, mean and m2 (the sum of squared
 * deviations from the mean) merge exactly with Chan's formula; std is derived.
 */
export interface ValueStats {
  count: number;
  mean: number | null;
  m2: number;
  /** Sample standard deviation (n - 1); null below two values. */
  std: number | null;
  min: number | null;
  max: number | null;
}

/** `[value, count]` ascending by value. */
export type ValueCounts = [number, number][];

export interface NumericStats extends ValueStats {
  /**
   * Exact (linear interpolation) for columns with few distinct values or with
   * `values`; otherwise, and in a merged profile, read from `sketch` (see its error there).
   */
  quantiles: Quantiles | null;
  /** 20 equal-width bins over [min, max], for display; a merged profile rebuilds it from `values`, else the sketch. */
  histogram: Histogram | null;
  sketch: QuantileSketch;
  /**
   * Every distinct finite value with its count, when there are at most the
   * profile's `exactValues` of them: drift statistics on two such sides are
   * exact. A merge keeps them while the union stays within the limit.
   */
  values?: ValueCounts;
}

interface ColumnBase {
  /** The DuckDB type, e.g. DOUBLE, VARCHAR, TIMESTAMP. */
  type: string;
  /** Non-null values (NaN and ±inf included). count + nulls = rows. */
  count: number;
  nulls: number;
  distinct: number;
  /** False when `distinct` is an estimate (large data, or a lower bound after a merge). */
  distinctExact: boolean;
}

export interface NumericColumnProfile extends ColumnBase {
  kind: 'numeric';
  nan: number;
  posInf: number;
  negInf: number;
  stats: NumericStats;
}

/** Stats on epoch milliseconds, sketched on a time grid; `min`/`max` repeat the extremes as ISO strings. */
export interface DatetimeColumnProfile extends ColumnBase {
  kind: 'datetime';
  min: string | null;
  max: string | null;
  stats: NumericStats;
}

export interface BooleanColumnProfile extends ColumnBase {
  kind: 'boolean';
  true: number;
  false: number;
}

/** `[value, count]` by descending count then value. */
export type CategoryCounts = [string, number][];

export interface CategoricalColumnProfile extends ColumnBase {
  kind: 'categorical';
  /** Every category up to MAX_CATEGORIES; beyond that the most frequent, the rest in `other`. */
  categories: CategoryCounts;
  other: number;
  /** String lengths, so a categorical profile can merge with a text one. */
  length: ValueStats;
}

export interface TextColumnProfile extends ColumnBase {
  kind: 'text';
  length: ValueStats;
}

export type ColumnProfile =
  | NumericColumnProfile
  | DatetimeColumnProfile
  | BooleanColumnProfile
  | CategoricalColumnProfile
  | TextColumnProfile;

/** What `profile.json` holds; also the drift baseline, so every part of it merges. */
export interface DataProfile {
  version: typeof PROFILE_VERSION;
  rows: number;
  /** The most distinct values a numeric or datetime column keeps exactly; absent counts as 0. */
  exactValues?: number;
  createdAt?: string;
  source?: DatasetFingerprint;
  /** Keyed by column name, in the data set's column order. */
  columns: Record<string, ColumnProfile>;
}
