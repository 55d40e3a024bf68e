import type { CategoryCounts } from '@modelgate/core';
import type { WeightedValues } from '../stats/weighted.js';

/**
 * One column of one side, reduced to what the drift tests read. Built from
 * raw samples (exact) or from a profile (sketch buckets and category counts),
 * so every test runs the same code on either.
 */
export interface NumericDistribution {
  shape: 'numeric';
  kind: 'numeric' | 'datetime';
  rows: number;
  /** Finite values; nulls, NaN and ±inf are not tested. */
  count: number;
  /** Exact values, or a sketch's buckets at their representative values (a grid shared by both sides). */
  values: WeightedValues;
  min: number | null;
  max: number | null;
  /** Population standard deviation (ddof 0, as Evidently's normalisation). */
  std: number | null;
  /** Distinct finite values; for a merged profile, the number of sketch buckets. */
  distinct: number;
  /** When `values` are sketch buckets: each one's value interval, for the error bounds. */
  buckets: BucketBounds | null;
}

/** Bucket i holds values in [lower[i], upper[i]] (a single point for the zero bucket). */
export interface BucketBounds {
  /** The sketch's relative accuracy α: two sketches share a bucket grid only when it is the same. */
  relativeAccuracy: number;
  lower: Float64Array;
  upper: Float64Array;
}

export interface CategoricalDistribution {
  shape: 'categorical';
  kind: 'categorical' | 'boolean';
  rows: number;
  /** Non-null values. */
  count: number;
  /** By descending count, then value. */
  categories: CategoryCounts;
  /** Values a profile's top-k did not itemise. */
  other: number;
}

export interface UntestedDistribution {
  shape: 'untested';
  kind: 'text';
  rows: number;
  count: number;
}

export type ColumnDistribution = NumericDistribution | CategoricalDistribution | UntestedDistribution;

/** A column some drift method can compare. */
export type Comparable = NumericDistribution | CategoricalDistribution;

/** Numeric columns with at most this many distinct reference values are compared as categories. */
export const DISCRETE_MAX_DISTINCT = 5;

export function isDiscrete(column: Comparable): boolean {
  return column.shape === 'categorical' || column.distinct <= DISCRETE_MAX_DISTINCT;
}

function byCountThenValue(a: [string, number], b: [string, number]): number {
  if (a[1] !== b[1]) return b[1] - a[1];
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

export function sortCategories(counts: Iterable<[string, number]>): CategoryCounts {
  return [...counts].filter(([, n]) => n > 0).sort(byCountThenValue);
}
