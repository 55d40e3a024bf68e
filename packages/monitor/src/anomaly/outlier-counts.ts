import type { Database, DataProfile } from '@modelgate/core';
import { quoteIdent, toNumber } from '@modelgate/core';
import { combinedShare, type OutlierRule, shareOutside } from './outlier-rules.js';

/** Outliers in one chunk: rows with any, and values per column (by rule order). */
export interface OutlierCounts {
  rows: number;
  /** Rows with at least one outlying value; an estimate when `estimated`. */
  outlierRows: number;
  columns: number[];
  /** From profiles (no rows): per-column counts from sketches, rows as if columns were independent. */
  estimated: boolean;
}

function doubleLiteral(x: number): string {
  return `CAST('${String(x)}' AS DOUBLE)`;
}

/**
 * Counts outliers per chunk in one grouped scan. `values` gives each rule's
 * column as SQL over `table`; `keySql` the chunk key of a row (NULL: in no
 * chunk). NaN and nulls are not outliers; ±inf are.
 */
export async function countOutliers(
  db: Database,
  table: string,
  rules: readonly OutlierRule[],
  values: readonly string[],
  keySql: string,
): Promise<Map<number, OutlierCounts>> {
  const inner = [
    `${keySql} AS k`,
    ...rules.map(
      (r, i) =>
        `(NOT isnan(CAST(${values[i]} AS DOUBLE)) AND (CAST(${values[i]} AS DOUBLE) < ${doubleLiteral(r.lower)} OR CAST(${values[i]} AS DOUBLE) > ${doubleLiteral(r.upper)})) AS o${i}`,
    ),
  ];
  const any = rules.length > 0 ? rules.map((_, i) => `o${i}`).join(' OR ') : 'false';
  const outer = [
    'k',
    'count(*) AS n',
    `count_if(${any}) AS any`,
    ...rules.map((_, i) => `count_if(o${i}) AS c${i}`),
  ];
  const rows = await db.rows(
    `SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM ${quoteIdent(table)}) WHERE k IS NOT NULL GROUP BY k`,
  );
  const out = new Map<number, OutlierCounts>();
  for (const row of rows) {
    out.set(toNumber(row.k) ?? 0, {
      rows: toNumber(row.n) ?? 0,
      outlierRows: toNumber(row.any) ?? 0,
      columns: rules.map((_, i) => toNumber(row[`c${i}`]) ?? 0),
      estimated: false,
    });
  }
  return out;
}

/** Outliers of a profile (a server's hourly profile keeps no rows): from each column's sketch. */
export function estimateOutliers(profile: DataProfile, rules: readonly OutlierRule[]): OutlierCounts {
  const shares = rules.map((rule) => {
    const column = profile.columns[rule.column];
    if (column?.kind !== 'numeric') return { share: 0, values: 0 };
    const values = column.stats.count;
    return { share: shareOutside(column, rule.lower, rule.upper) ?? 0, values };
  });
  return {
    rows: profile.rows,
    outlierRows:
      combinedShare(shares.map((s) => (s.values / Math.max(1, profile.rows)) * s.share)) * profile.rows,
    columns: shares.map((s) => s.share * s.values),
    estimated: true,
  };
}

export function addCounts(a: OutlierCounts, b: OutlierCounts): OutlierCounts {
  return {
    rows: a.rows + b.rows,
    outlierRows: a.outlierRows + b.outlierRows,
    columns: a.columns.map((n, i) => n + (b.columns[i] ?? 0)),
    estimated: a.estimated || b.estimated,
  };
}
