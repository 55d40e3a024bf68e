import {
  type ColumnProfile,
  coarsenTimeSketch,
  type DatetimeColumnProfile,
  type NumericColumnProfile,
  sketchBins,
} from '@modelgate/core';
import { weightedFromPairs } from '../stats/weighted.js';
import { type ColumnDistribution, type NumericDistribution, sortCategories } from './distribution.js';

/** How to read a pair's numbers: exact values (both sides kept them), else sketches on one grid. */
export interface NumericReading {
  exact: boolean;
  /** The coarser time grid of the two sides, which both are read at. */
  width?: number;
}

/** Exact values when both columns kept theirs; the wider time grid when both are datetimes. */
export function readingFor(reference: ColumnProfile, current: ColumnProfile | undefined): NumericReading {
  if (!current || !('stats' in reference) || !('stats' in current)) return { exact: false };
  const exact = reference.stats.values !== undefined && current.stats.values !== undefined;
  const widths = [reference.stats.sketch.width, current.stats.sketch.width];
  return widths[0] !== undefined && widths[1] !== undefined
    ? { exact, width: Math.max(widths[0], widths[1]) }
    : { exact };
}

function numericFromProfile(
  column: NumericColumnProfile | DatetimeColumnProfile,
  rows: number,
  reading: NumericReading,
): NumericDistribution {
  const { stats } = column;
  const side = {
    shape: 'numeric',
    kind: column.kind,
    rows,
    min: stats.min,
    max: stats.max,
    std: stats.count > 0 ? Math.sqrt(Math.max(0, stats.m2) / stats.count) : null,
  } as const;
  if (reading.exact && stats.values) {
    const values = weightedFromPairs(stats.values);
    return { ...side, count: values.total, values, distinct: stats.values.length, buckets: null };
  }
  const sketch = reading.width === undefined ? stats.sketch : coarsenTimeSketch(stats.sketch, reading.width);
  const bins = sketchBins(sketch);
  const values = weightedFromPairs(bins.map((b) => [b.value, b.count] as const));
  const nonFinite =
    column.kind === 'numeric'
      ? Number(column.nan > 0) + Number(column.posInf > 0) + Number(column.negInf > 0)
      : 0;
  return {
    ...side,
    count: values.total,
    values,
    distinct: column.distinctExact ? column.distinct - nonFinite : values.values.length,
    buckets: {
      relativeAccuracy: sketch.relativeAccuracy,
      lower: Float64Array.from(bins, (b) => b.lower),
      upper: Float64Array.from(bins, (b) => b.upper),
    },
  };
}

/**
 * A column of a profile: exact values or sketch buckets for numbers and
 * datetimes (as `reading` says, from readingFor the pair), counts for categories.
 */
export function distributionFromProfile(
  column: ColumnProfile,
  rows: number,
  reading: NumericReading = { exact: false },
): ColumnDistribution {
  switch (column.kind) {
    case 'numeric':
    case 'datetime':
      return numericFromProfile(column, rows, reading);
    case 'boolean':
      return {
        shape: 'categorical',
        kind: 'boolean',
        rows,
        count: column.true + column.false,
        categories: sortCategories([
          ['true', column.true],
          ['false', column.false],
        ]),
        other: 0,
      };
    case 'categorical':
      return {
        shape: 'categorical',
        kind: 'categorical',
        rows,
        count: column.count,
        categories: column.categories,
        other: column.other,
      };
    case 'text':
      return { shape: 'untested', kind: 'text', rows, count: column.count };
  }
}
