import type { ColumnInfo } from './load.js';

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function listLiteral(values: readonly string[]): string {
  return `[${values.map(quoteLiteral).join(', ')}]`;
}

/** DuckDB hands back BIGINT/HUGEINT as bigint and DECIMAL as objects; metrics want plain numbers. */
export function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  const n = Number(value);
  return Number.isNaN(n) && String(value) !== 'NaN' ? null : n;
}

/** The number a numeric, boolean or datetime column stands for: a DOUBLE, datetimes as epoch milliseconds. */
export function numberSql(column: ColumnInfo): string {
  const id = quoteIdent(column.name);
  if (column.kind !== 'datetime') return `CAST(${id} AS DOUBLE)`;
  const instant = /^TIME(?!STAMP)/.test(column.type) ? `(DATE '1970-01-01' + ${id})` : id;
  return `CAST(epoch_ms(${instant}) AS DOUBLE)`;
}
