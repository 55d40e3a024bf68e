import type { ColumnInfo } from '../data/load.js';
import { quoteIdent, quoteLiteral } from '../data/sql.js';

/** How many example values a violation carries. */
export const MAX_EXAMPLES = 5;

export function asDouble(column: string): string {
  return `CAST(${quoteIdent(column)} AS DOUBLE)`;
}

/** A double literal parsed from its shortest round-trip text, so a bound in the contract is exact in SQL. */
export function doubleLiteral(value: number): string {
  return `CAST(${quoteLiteral(String(value))} AS DOUBLE)`;
}

/** A column as a JSON-friendly example value: numbers stay numbers, everything else becomes text. */
export function displayExpr(column: ColumnInfo): string {
  if (column.kind === 'numeric') return asDouble(column.name);
  if (column.kind === 'boolean') return quoteIdent(column.name);
  return `CAST(${quoteIdent(column.name)} AS VARCHAR)`;
}

/** The key as one value: the column itself, or a list of its columns as text. */
export function keyExpr(key: readonly ColumnInfo[]): string {
  const [only] = key;
  if (key.length === 1 && only) return displayExpr(only);
  return `[${key.map((c) => `CAST(${quoteIdent(c.name)} AS VARCHAR)`).join(', ')}]`;
}

/** Rows whose key repeats an earlier row's key; the first row with each key is not counted. */
export function duplicateCountExpr(key: readonly string[]): string {
  return `count(*) - count(DISTINCT row(${key.map(quoteIdent).join(', ')}))`;
}

/** Up to MAX_EXAMPLES rows (1-based `row`, `value`) whose key repeats an earlier row's key. */
export function duplicateExamplesSql(table: string, key: readonly ColumnInfo[]): string {
  const partition = key.map((c) => quoteIdent(c.name)).join(', ');
  return `SELECT row, value FROM (
    SELECT rowid + 1 AS row, ${keyExpr(key)} AS value,
      row_number() OVER (PARTITION BY ${partition} ORDER BY rowid) AS nth
    FROM ${quoteIdent(table)}
  ) WHERE nth > 1 ORDER BY row LIMIT ${MAX_EXAMPLES}`;
}
