import type { Database, ProgressListener } from '../data/database.js';
import type { ColumnInfo } from '../data/load.js';
import { quoteIdent, toNumber } from '../data/sql.js';

/** Every value of each column with its count, in one statement; categorical columns are small by definition. */
export async function categoryCounts(
  db: Database,
  table: string,
  columns: readonly ColumnInfo[],
  onProgress?: ProgressListener,
): Promise<Map<string, number>[]> {
  if (columns.length === 0) return [];
  const branches = columns.map((c, i) => {
    const id = quoteIdent(c.name);
    return `SELECT ${i} AS col, CAST(${id} AS VARCHAR) AS value, count(*) AS n FROM ${quoteIdent(table)} WHERE ${id} IS NOT NULL GROUP BY ALL`;
  });
  const rows = await db.rows<{ col: number; value: string; n: unknown }>(
    branches.join(' UNION ALL '),
    onProgress,
  );
  const counts = columns.map(() => new Map<string, number>());
  for (const row of rows) counts[row.col]?.set(row.value, toNumber(row.n) ?? 0);
  return counts;
}
