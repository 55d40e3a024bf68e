import type { Database, ProgressListener } from '../data/database.js';
import type { ColumnInfo } from '../data/load.js';
import { numberSql, quoteIdent, toNumber } from '../data/sql.js';
import { doubleSql } from './column-sql.js';
import { exactQuantiles } from './exact-quantiles.js';
import {
  type QuantileSketch,
  sketchFromBuckets,
  sketchLogGamma,
  TIME_SKETCH_UNIT_MS,
  timeSketchFromMinutes,
} from './sketch.js';
import type { Histogram, Quantiles, ValueCounts } from './types.js';

export const HISTOGRAM_BINS = 20;
/** Columns with at most this many distinct values (by the estimate) are grouped by value, which counts them exactly. */
export const GROUP_BY_VALUE_MAX_DISTINCT = 20_000;

export interface DistributionRequest {
  column: ColumnInfo;
  /** The sketch's relative accuracy; datetimes get a time grid instead. */
  relativeAccuracy: number;
  /** Extremes of the finite values, from the summary query. */
  min: number;
  max: number;
  /** Group by each value rather than by bucket: costs little for few values and counts them exactly. */
  byValue: boolean;
}

export interface Distribution {
  sketch: QuantileSketch;
  histogram: Histogram;
  /** When grouped by value: the number of distinct finite values, their exact quantiles, and each with its count. */
  distinctFinite?: number;
  quantiles?: Quantiles | null;
  values?: ValueCounts;
}

/** Equal-width edges over [min, max]; halves keep max - min from overflowing to infinity. */
export function histogramEdges(min: number, max: number, bins = HISTOGRAM_BINS): number[] {
  const half = max / 2 - min / 2;
  return Array.from({ length: bins + 1 }, (_, j) => (j === bins ? max : min + (half * 2 * j) / bins));
}

function binSql(value: string, min: number, max: number): string {
  const half = max / 2 - min / 2;
  if (half === 0) return '0';
  const fraction = `(${value} * 0.5 - ${doubleSql(min / 2)}) / ${doubleSql(half)}`;
  return `least(CAST(floor(${fraction} * ${HISTOGRAM_BINS}) AS INTEGER), ${HISTOGRAM_BINS - 1})`;
}

const isTime = (request: DistributionRequest) => request.column.kind === 'datetime';

/** Sign and bucket index: the log bucket, or the minute (a DOUBLE: epoch minutes outrun INTEGER by the year 6000). */
function bucketSql(request: DistributionRequest): string[] {
  if (isTime(request)) return ['1 AS s', `floor(x / ${TIME_SKETCH_UNIT_MS}.0) AS k`];
  const logGamma = doubleSql(sketchLogGamma(request.relativeAccuracy));
  return [
    `CAST(sign(x) AS INTEGER) AS s`,
    `CASE WHEN x <> 0 THEN CAST(ceil(ln(abs(x)) / ${logGamma}) AS DOUBLE) END AS k`,
  ];
}

function branchSql(table: string, request: DistributionRequest, i: number): string {
  const values = `SELECT ${numberSql(request.column)} AS x FROM ${quoteIdent(table)}`;
  const keys = [...bucketSql(request), `${binSql('x', request.min, request.max)} AS b`].join(', ');
  return request.byValue
    ? `SELECT ${i} AS col, x, ${keys}, n FROM (SELECT x, count(*) AS n FROM (${values}) WHERE isfinite(x) GROUP BY x)`
    : `SELECT ${i} AS col, NULL AS x, ${keys}, count(*) AS n FROM (${values}) WHERE isfinite(x) GROUP BY ALL`;
}

/**
 * One statement for all numeric columns: each branch groups a column's finite
 * values by (sketch bucket, histogram bin), or by value when they are few, so
 * both come from one scan of it.
 */
export async function distributions(
  db: Database,
  table: string,
  requests: readonly DistributionRequest[],
  onProgress?: ProgressListener,
): Promise<Distribution[]> {
  if (requests.length === 0) return [];
  const rows = await db.rows<{
    col: number;
    x: number | null;
    s: number;
    k: number | null;
    b: number;
    n: unknown;
  }>(requests.map((r, i) => branchSql(table, r, i)).join(' UNION ALL '), onProgress);
  const buckets = requests.map(() => [] as { sign: number; index: number | null; count: number }[]);
  const bins = requests.map(() => new Array<number>(HISTOGRAM_BINS).fill(0));
  const values = requests.map(() => [] as [number, number][]);
  for (const row of rows) {
    const count = toNumber(row.n) ?? 0;
    if (row.x !== null) values[row.col]?.push([row.x, count]);
    buckets[row.col]?.push({ sign: row.s, index: row.k, count });
    const counts = bins[row.col];
    if (counts) counts[row.b] = (counts[row.b] ?? 0) + count;
  }
  return requests.map((r, i) => {
    const own = buckets[i] ?? [];
    const counted = (values[i] ?? []).sort((a, b) => a[0] - b[0]);
    return {
      sketch: isTime(r)
        ? timeSketchFromMinutes(own.map(({ index, count }) => ({ index: index ?? 0, count })))
        : sketchFromBuckets(r.relativeAccuracy, own),
      histogram: { edges: histogramEdges(r.min, r.max), counts: bins[i] ?? [] },
      ...(r.byValue
        ? { distinctFinite: counted.length, quantiles: exactQuantiles(counted), values: counted }
        : {}),
    };
  });
}
