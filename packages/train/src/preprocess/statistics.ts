import type { NumericColumn } from '@modelgate/core';

/** A numeric column's statistics over its present values (null and NaN left out). */
export interface NumericStatistics {
  present: number;
  /** Values that are ±inf: they make the mean and the deviation meaningless. */
  infinite: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
}

/**
 * Mean and population standard deviation in double, two passes: what the
 * built-in linear trainers standardise with and the encoded splits use.
 */
export function numericStatistics(column: Pick<NumericColumn, 'values' | 'valid'>): NumericStatistics {
  let present = 0;
  let infinite = 0;
  let sum = 0;
  for (let i = 0; i < column.values.length; i++) {
    const v = column.values[i] as number;
    if (!column.valid[i] || Number.isNaN(v)) continue;
    if (!Number.isFinite(v)) infinite++;
    present++;
    sum += v;
  }
  if (present === 0) return { present, infinite, mean: Number.NaN, std: Number.NaN };
  const mean = sum / present;
  let squares = 0;
  for (let i = 0; i < column.values.length; i++) {
    const v = column.values[i] as number;
    if (column.valid[i] && !Number.isNaN(v)) squares += (v - mean) ** 2;
  }
  return { present, infinite, mean, std: Math.sqrt(squares / present) };
}
