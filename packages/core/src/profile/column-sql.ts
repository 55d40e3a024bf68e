import type { ColumnInfo } from '../data/load.js';

/** A JS number as a DuckDB DOUBLE literal (a bare `0.1` would be a DECIMAL). */
export function doubleSql(value: number): string {
  return `CAST('${String(value)}' AS DOUBLE)`;
}

export function hasNumbers(column: ColumnInfo): boolean {
  return column.kind === 'numeric' || column.kind === 'datetime';
}

/** Epoch milliseconds as ISO 8601 in the column's own precision: a date, a time of day, or an instant. */
export function isoFromEpochMs(ms: number, type: string): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return String(ms);
  const iso = date.toISOString();
  if (type === 'DATE') return iso.slice(0, 10);
  if (/^TIME(?!STAMP)/.test(type)) return iso.slice(11, 23);
  return iso;
}
