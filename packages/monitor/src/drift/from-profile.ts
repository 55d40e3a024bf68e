import { type ColumnProfile, sketchBins } from '@modelgate/core';
import { weightedFromPairs } from '../stats/weighted.js';
import { type ColumnDistribution, sortCategories } from './distribution.js';

/** A column of a profile: sketch buckets for numbers and datetimes, counts for categories. */
export function distributionFromProfile(column: ColumnProfile, rows: number): ColumnDistribution {
  switch (column.kind) {
    case 'numeric':
    case 'datetime': {
      const { stats } = column;
      const bins = sketchBins(stats.sketch);
      const values = weightedFromPairs(bins.map((b) => [b.value, b.count] as const));
      const nonFinite =
        column.kind === 'numeric'
          ? Number(column.nan > 0) + Number(column.posInf > 0) + Number(column.negInf > 0)
          : 0;
      return {
        shape: 'numeric',
        kind: column.kind,
        rows,
        count: values.total,
        values,
        min: stats.min,
        max: stats.max,
        std: stats.count > 0 ? Math.sqrt(Math.max(0, stats.m2) / stats.count) : null,
        distinct: column.distinctExact ? column.distinct - nonFinite : values.values.length,
        buckets: {
          relativeAccuracy: stats.sketch.relativeAccuracy,
          lower: Float64Array.from(bins, (b) => b.lower),
          upper: Float64Array.from(bins, (b) => b.upper),
        },
      };
    }
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
