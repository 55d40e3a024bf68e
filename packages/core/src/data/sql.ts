import { quote, UserError } from '../errors.js';
import type { ColumnInfo } from './load.js';

/** DuckDB reads SQL as a C string: a NUL would end the query inside the quotes, whatever follows it. */
function refuseNul(text: string, what: string): void {
  if (text.includes('\u0000')) {
    throw new UserError(`${what} ${quote(text)}: has a NUL character, which SQL text cannot hold.`);
  }
}

/** A name as a quoted SQL identifier: no character of it can end the identifier or the query. */
export function quoteIdent(name: string): string {
  refuseNul(name, 'name');
  return `"${name.replaceAll('"', '""')}"`;
}

/** A string as a SQL literal: no character of it can end the literal or the query. */
export function quoteLiteral(value: string): string {
  refuseNul(value, 'value');
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
