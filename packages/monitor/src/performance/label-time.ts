import {
  type ColumnInfo,
  type Database,
  type Dataset,
  describeFiles,
  quoteIdent,
  toNumber,
  UserError,
} from '@modelgate/core';
import { LOG_COLUMNS } from '../prediction-log/load.js';

const EXPECTED =
  'Expected an ISO 8601 time as the prediction log writes it, such as 2026-12-06T16:15:18.801Z (UTC unless it gives an offset).';
// DuckDB's cast to TIMESTAMP drops an offset instead of applying it, so zoned text is cast to TIMESTAMPTZ.
const ZONED = String.raw`\d:\d\d(:\d\d(\.\d*)?)?\s*([zZ]|[+-]\d\d(:?\d\d)?)$`;

/**
 * Whether labels join by time as well: a labels file with a `time` column
 * joined by the prediction log's request id, so a client that reuses an id
 * still labels each request apart.
 */
export function joinsByTime(labels: Dataset, keys: readonly string[]): boolean {
  return keys[0] === LOG_COLUMNS.requestId && labels.columns.some((c) => c.name === LOG_COLUMNS.time);
}

/**
 * A time column as UTC epoch milliseconds; NULL where a value does not read
 * as a date and time. Times without an offset are UTC, as the log writes them.
 * `ref` is the column as the query names it.
 */
export function timeMsSql(column: ColumnInfo, ref: string, where: string): string {
  if (column.type === 'TIMESTAMP WITH TIME ZONE') return `epoch_ms(${ref})`;
  if (/^TIMESTAMP/.test(column.type)) return `epoch_ms(CAST(${ref} AS TIMESTAMP))`;
  if (column.type === 'VARCHAR') {
    const text = `trim(${ref})`;
    return `(CASE WHEN regexp_matches(${text}, '${ZONED}') THEN epoch_ms(TRY_CAST(${text} AS TIMESTAMPTZ))
      ELSE epoch_ms(TRY_CAST(${text} AS TIMESTAMP)) END)`;
  }
  throw new UserError(
    `${where}: column '${column.name}' holds ${column.type} values, not times. ${EXPECTED}`,
  );
}

function timeColumn(data: Dataset): ColumnInfo | undefined {
  return data.columns.find((c) => c.name === LOG_COLUMNS.time);
}

/** The labels file's time as epoch milliseconds, refusing the first value that is not a time. */
export async function labelTimeSql(db: Database, labels: Dataset): Promise<string> {
  const where = `--labels ${describeFiles(labels.files)}`;
  const column = timeColumn(labels) as ColumnInfo;
  const ms = timeMsSql(column, quoteIdent(column.name), where);
  const [bad] = await db.rows<{ r: unknown; v: unknown }>(
    `SELECT rowid + 1 AS r, CAST(${quoteIdent(column.name)} AS VARCHAR) AS v FROM ${quoteIdent(labels.table)} WHERE ${ms} IS NULL ORDER BY rowid LIMIT 1`,
  );
  if (bad) {
    const value = bad.v === null ? 'is empty' : `holds '${String(bad.v)}', not a date and time`;
    throw new UserError(
      `${where}: column '${column.name}' of data row ${toNumber(bad.r)} ${value}. ${EXPECTED}`,
    );
  }
  return ms;
}

/** The current rows' time (the answer's, in a prediction log) as epoch milliseconds, for `c` the rows' alias. */
export function currentTimeSql(current: Dataset): string {
  const where = `--labels with a '${LOG_COLUMNS.time}' column: the current data ${describeFiles(current.files)}`;
  const column = timeColumn(current);
  if (!column)
    throw new UserError(`${where} has no '${LOG_COLUMNS.time}' column to join the labels' time to.`);
  return timeMsSql(column, `c.${quoteIdent(column.name)}`, where);
}
