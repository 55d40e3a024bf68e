import { MAX_CATEGORIES } from '../data/kinds.js';
import type { CategoryCounts } from './types.js';

function byCountThenValue(a: [string, number], b: [string, number]): number {
  if (a[1] !== b[1]) return b[1] - a[1];
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** All categories up to `limit`; beyond that the most frequent, the rest summed into `other`. */
export function topCategories(
  counts: Iterable<[string, number]>,
  limit = MAX_CATEGORIES,
): { categories: CategoryCounts; other: number } {
  const sorted = [...counts].filter(([, n]) => n > 0).sort(byCountThenValue);
  const other = sorted.slice(limit).reduce((sum, [, n]) => sum + n, 0);
  return { categories: sorted.slice(0, limit), other };
}

/** Exact while both sides keep every category; otherwise a top-k over what each side kept. */
export function mergeCategories(
  a: { categories: CategoryCounts; other: number },
  b: { categories: CategoryCounts; other: number },
): { categories: CategoryCounts; other: number } {
  const counts = new Map<string, number>(a.categories);
  for (const [value, n] of b.categories) counts.set(value, (counts.get(value) ?? 0) + n);
  const top = topCategories(counts);
  return { categories: top.categories, other: top.other + a.other + b.other };
}
