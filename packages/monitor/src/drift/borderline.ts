import { ksPValue } from '../stats/ks.js';
import type { ColumnDrift } from './types.js';

/**
 * Whether the exact statistic, anywhere it can be given `sketchError`, could
 * fall on the other side of the threshold. Distances can be off either way.
 * The sketch KS statistic reads the CDFs at bucket boundaries, so the exact
 * one lies in [D, D + error]: only a stable call can turn into drift, when
 * the p-value at D + error (scaled as the multiple-testing correction scaled
 * this one) falls below the threshold.
 */
export function isBorderline(column: ColumnDrift): boolean {
  const error = column.sketchError;
  const { statistic, threshold, pValue } = column;
  if (!error || statistic === null || threshold === null) return false;
  if (pValue === undefined) return Math.abs(statistic - threshold) <= error;
  if (column.method !== 'ks' || column.current === null || column.drifted) return false;
  const adjusted = column.adjustedPValue ?? pValue;
  const scale = pValue > 0 ? adjusted / pValue : 1;
  const lowest = ksPValue(
    Math.min(1, statistic + error),
    column.reference.count,
    column.current.count,
  ).pValue;
  return Math.min(1, lowest * scale) < threshold;
}
