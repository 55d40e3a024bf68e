import { quote, UserError } from '../errors.js';
import type { Database } from './database.js';
import { quoteIdent, toNumber } from './sql.js';

/**
 * DuckDB takes SQL as a C string, so a NUL in a name or a value spliced into
 * a query would end it early. Text files are refused before DuckDB reads them
 * (checkTextEncoding); Parquet and JSON escapes (`\u0000`) can still carry one.
 */
export function checkColumnNames(where: string, names: readonly string[]): void {
  const index = names.findIndex((name) => name.includes('\u0000'));
  if (index >= 0) {
    throw new UserError(
      `${where}: column ${index + 1} (${quote(names[index] ?? '')}) has a NUL character in its name. Expected names without NUL characters.`,
    );
  }
}

/** True when some value of a text column holds a NUL: an aggregate for a scan over the column. */
export function hasNulSql(column: string): string {
  return `bool_or(contains(${quoteIdent(column)}, chr(0)))`;
}

/** Refuses a text column known to hold a NUL, naming its first such row (1-based). */
export async function refuseNulValue(
  db: Database,
  table: string,
  column: string,
  where: string,
): Promise<never> {
  const first = await db.first(
    `SELECT min(rowid) + 1 AS r FROM ${quoteIdent(table)} WHERE contains(${quoteIdent(column)}, chr(0))`,
  );
  throw new UserError(
    `${where}: column ${quote(column)} holds a NUL character in row ${toNumber(first.r)}. Expected text without NUL characters.`,
  );
}
