import type { Database, ProgressListener, Row } from '../data/database.js';
import type { ColumnInfo } from '../data/load.js';
import { numberSql, quoteIdent, toNumber } from '../data/sql.js';
import { hasNumbers } from './column-sql.js';
import { valueStats } from './stats.js';
import type { ValueStats } from './types.js';

/** Up to this many rows `distinct` is counted exactly; above, by DuckDB's HyperLogLog. */
export const EXACT_DISTINCT_MAX_ROWS = 100_000;

/** Everything one aggregate pass over all columns gives. */
export interface ColumnSummary {
  count: number;
  distinct: number;
  nan: number;
  posInf: number;
  negInf: number;
  true: number;
  false: number;
  /** Finite numbers (epoch ms for datetimes), or string lengths for categorical and text. */
  values: ValueStats;
}

const alias = (i: number, stat: string) => `c${i}_${stat}`;

function projections(column: ColumnInfo, i: number): string[] {
  const id = quoteIdent(column.name);
  if (hasNumbers(column)) return [`${id} AS r${i}`, `${numberSql(column)} AS v${i}`];
  if (column.kind === 'categorical' || column.kind === 'text') {
    return [`CAST(${id} AS VARCHAR) AS r${i}`, `length(CAST(${id} AS VARCHAR)) AS v${i}`];
  }
  return [`${id} AS r${i}`];
}

function statsAggregates(i: number, finiteOnly: boolean): string[] {
  const v = finiteOnly ? `CASE WHEN isfinite(v${i}) THEN v${i} END` : `v${i}`;
  return [
    `count(${v}) AS ${alias(i, 'n')}`,
    `avg(${v}) AS ${alias(i, 'mean')}`,
    `var_pop(${v}) AS ${alias(i, 'var')}`,
    `min(${v}) AS ${alias(i, 'min')}`,
    `max(${v}) AS ${alias(i, 'max')}`,
  ];
}

function aggregates(column: ColumnInfo, i: number, exactDistinct: boolean): string[] {
  const out = [`count(r${i}) AS ${alias(i, 'count')}`];
  if (column.kind === 'boolean') {
    out.push(`count_if(r${i}) AS ${alias(i, 'true')}`, `count_if(NOT r${i}) AS ${alias(i, 'false')}`);
    return out;
  }
  // Categorical columns get their exact distinct count from the category query.
  if (column.kind !== 'categorical') {
    const distinct = exactDistinct ? `count(DISTINCT r${i})` : `approx_count_distinct(r${i})`;
    out.push(`${distinct} AS ${alias(i, 'distinct')}`);
  }
  if (column.kind === 'numeric') {
    out.push(
      `count_if(isnan(v${i})) AS ${alias(i, 'nan')}`,
      `count_if(v${i} = CAST('inf' AS DOUBLE)) AS ${alias(i, 'posinf')}`,
      `count_if(v${i} = CAST('-inf' AS DOUBLE)) AS ${alias(i, 'neginf')}`,
    );
  }
  out.push(...statsAggregates(i, hasNumbers(column)));
  return out;
}

function readSummary(row: Row, i: number): ColumnSummary {
  const num = (stat: string) => toNumber(row[alias(i, stat)]);
  const n = num('n') ?? 0;
  return {
    count: num('count') ?? 0,
    distinct: num('distinct') ?? 0,
    nan: num('nan') ?? 0,
    posInf: num('posinf') ?? 0,
    negInf: num('neginf') ?? 0,
    true: num('true') ?? 0,
    false: num('false') ?? 0,
    values: valueStats(n, num('mean'), (num('var') ?? 0) * n, num('min'), num('max')),
  };
}

/** One aggregate query over every column: counts, distinct, NaN/inf, moments, extremes. */
export async function summarizeColumns(
  db: Database,
  table: string,
  columns: readonly ColumnInfo[],
  options: { exactDistinct: boolean; onProgress?: ProgressListener | undefined },
): Promise<{ rows: number; columns: ColumnSummary[] }> {
  const inner = columns.flatMap(projections);
  const aggs = columns.flatMap((c, i) => aggregates(c, i, options.exactDistinct));
  const from =
    inner.length > 0 ? `(SELECT ${inner.join(', ')} FROM ${quoteIdent(table)})` : quoteIdent(table);
  const row = await db.first(
    `SELECT ${['count(*) AS total_rows', ...aggs].join(', ')} FROM ${from}`,
    options.onProgress,
  );
  return { rows: toNumber(row.total_rows) ?? 0, columns: columns.map((_, i) => readSummary(row, i)) };
}
