import type { Database } from './database.js';
import { type DataFormat, isDelimited, readerSql } from './format.js';
import { quoteIdent } from './sql.js';

/** Text DuckDB's CSV sniffer takes for BOOLEAN and a user means as a boolean too. */
const BOOLEAN_WORDS = `('true', 'false')`;

/**
 * CSV columns DuckDB typed BOOLEAN whose text is something else (`yes`/`no`,
 * `y`/`n`, `t`/`f`): read as booleans, a `yes`/`no` target would come back as
 * classes `false`/`true`. The user's own words are kept by reading them as text.
 */
export async function textInBooleanColumns(
  db: Database,
  files: readonly string[],
  format: DataFormat,
): Promise<string[]> {
  if (!isDelimited(format)) return [];
  // The sniffer's types from its sample, without reading the whole file.
  const typed = await db.rows<{ column_name: string; column_type: string }>(
    `DESCRIBE SELECT * FROM ${readerSql(files, format)}`,
  );
  const booleans = typed.filter((c) => c.column_type === 'BOOLEAN').map((c) => c.column_name);
  if (booleans.length === 0) return [];
  const counts = booleans.map(
    (name, i) => `count(*) FILTER (WHERE lower(trim(${quoteIdent(name)})) NOT IN ${BOOLEAN_WORDS}) AS w${i}`,
  );
  const row = await db.first(`SELECT ${counts.join(', ')} FROM ${readerSql(files, format, booleans)}`);
  return booleans.filter((_, i) => Number(row[`w${i}`]) > 0);
}
