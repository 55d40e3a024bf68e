import type { CategoryCounts } from '@modelgate/core';
import type { WeightedValues } from '../stats/weighted.js';
import { type Comparable, sortCategories } from './distribution.js';

/** The explicit bin for current categories the reference never saw (and values a top-k left out). */
export const OTHER_BIN = '(other)';

export interface CountedCategories {
  categories: CategoryCounts;
  other: number;
}

export interface CategoryBins {
  labels: string[];
  reference: number[];
  current: number[];
}

/** The reference's categories in its order, then OTHER_BIN; bins empty on both sides are dropped later. */
export function categoryBins(reference: CountedCategories, current: CountedCategories): CategoryBins {
  const index = new Map(reference.categories.map(([value], i) => [value, i]));
  const other = reference.categories.length;
  const cur = new Array<number>(other + 1).fill(0);
  for (const [value, n] of current.categories) {
    const at = index.get(value) ?? other;
    cur[at] = (cur[at] as number) + n;
  }
  cur[other] = (cur[other] as number) + current.other;
  return {
    labels: [...reference.categories.map(([value]) => value), OTHER_BIN],
    reference: [...reference.categories.map(([, n]) => n), reference.other],
    current: cur,
  };
}

/** A numeric column with few distinct values, as categories (Evidently treats ≤ 5 values so). */
export function valuesAsCategories(values: WeightedValues): CountedCategories {
  const pairs = Array.from(values.values, (x, i): [string, number] => [
    String(x),
    values.weights[i] as number,
  ]);
  return { categories: sortCategories(pairs), other: 0 };
}

/** Bins holding values on at least one side. */
export function occupiedBins(bins: CategoryBins): number {
  return bins.reference.filter((r, i) => r > 0 || (bins.current[i] as number) > 0).length;
}

/** The categories of a column: its own, or a discrete numeric column's values. */
export function categoriesOf(column: Comparable): CountedCategories {
  return column.shape === 'categorical' ? column : valuesAsCategories(column.values);
}
