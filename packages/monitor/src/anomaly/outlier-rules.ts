import { cdf, type DataProfile, type NumericColumnProfile, type QuantileName } from '@modelgate/core';
import { DISCRETE_MAX_DISTINCT } from '../drift/distribution.js';

/**
 * |robust z| above this is an outlier: Iglewicz and Hoaglin's cut-off for
 * the modified z-score, about 1 value in 2 000 of a normal distribution.
 */
export const DEFAULT_OUTLIER_THRESHOLD = 3.5;

/**
 * Quantile pairs, innermost first, and how many standard deviations of a
 * normal distribution lie between them: the spread estimates tried in turn,
 * so a column whose middle half is one value (rain: mostly 0) falls back to
 * a wider pair.
 */
const SPREADS: readonly (readonly [QuantileName, QuantileName, number, OutlierRule['scaleFrom']])[] = [
  ['p25', 'p75', 1.3489795, 'iqr'],
  ['p5', 'p95', 3.2897072, 'p5-p95'],
  ['p1', 'p99', 4.6526957, 'p1-p99'],
];

/** Cut-offs for one numeric column, from the reference profile's quantiles. */
export interface OutlierRule {
  column: string;
  /** The reference median. */
  center: number;
  /** A robust standard deviation: a quantile spread over its width in a normal distribution. */
  scale: number;
  scaleFrom: 'iqr' | 'p5-p95' | 'p1-p99';
  /** Values below `lower` or above `upper` (|z| > threshold) are outliers. */
  lower: number;
  upper: number;
  /** The share of the reference beyond the cut-offs, read from its sketch. */
  referenceShare: number;
}

export interface SkippedColumn {
  column: string;
  reason: string;
}

/** The share of a numeric column's finite values below `lower` or above `upper`, from its sketch. */
export function shareOutside(column: NumericColumnProfile, lower: number, upper: number): number | null {
  const below = cdf(column.stats.sketch, lower);
  const atOrBelowUpper = cdf(column.stats.sketch, upper);
  if (below === null || atOrBelowUpper === null) return null;
  return Math.min(1, Math.max(0, below + (1 - atOrBelowUpper)));
}

function ruleFor(name: string, column: NumericColumnProfile, threshold: number): OutlierRule | string {
  const { quantiles } = column.stats;
  if (!quantiles) return 'no values in the reference';
  if (column.distinctExact && column.distinct <= DISCRETE_MAX_DISTINCT)
    return `${column.distinct} distinct values: categories, not a scale`;
  for (const [low, high, width, scaleFrom] of SPREADS) {
    const scale = (quantiles[high] - quantiles[low]) / width;
    if (!(scale > 0)) continue;
    const center = quantiles.p50;
    const lower = center - threshold * scale;
    const upper = center + threshold * scale;
    return {
      column: name,
      center,
      scale,
      scaleFrom,
      lower,
      upper,
      referenceShare: shareOutside(column, lower, upper) ?? 0,
    };
  }
  return 'the reference holds one value across its 1st to 99th percentile';
}

/** Robust z-score cut-offs for the numeric columns among `columns`; datetimes are not checked. */
export function outlierRules(
  reference: DataProfile,
  columns: readonly string[],
  threshold = DEFAULT_OUTLIER_THRESHOLD,
): { rules: OutlierRule[]; skipped: SkippedColumn[] } {
  const rules: OutlierRule[] = [];
  const skipped: SkippedColumn[] = [];
  for (const name of columns) {
    const column = reference.columns[name];
    if (column?.kind !== 'numeric') continue;
    const rule = ruleFor(name, column, threshold);
    if (typeof rule === 'string') skipped.push({ column: name, reason: rule });
    else rules.push(rule);
  }
  return { rules, skipped };
}

/**
 * The share of rows with at least one outlier if columns were independent:
 * 1 − Π(1 − share). The reference profile keeps no rows, so this is the
 * expectation a row-level rate is compared with; correlated outliers
 * (one bad row, many columns) make the true reference rate lower.
 */
export function combinedShare(shares: readonly number[]): number {
  return 1 - shares.reduce((keep, share) => keep * (1 - share), 1);
}
