import { type ColumnInfo, quoteIdent, UserError } from '@modelgate/core';
import type { TimeUnit } from './spec.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The time column as a TIMESTAMP expression: dates widen, zoned instants are
 * read in UTC (so chunks do not depend on the runner's time zone), strings are
 * parsed (ISO, with or without an offset, and 'YYYY/MM/DD hh:mm' forms; others
 * become NULL and are counted as rows without a time).
 */
export function timestampSql(column: ColumnInfo, where = '--time'): string {
  const id = quoteIdent(column.name);
  if (column.type === 'TIMESTAMP WITH TIME ZONE') return `timezone('UTC', ${id})`;
  if (column.kind === 'datetime' && !/^TIME(?!STAMP)/.test(column.type)) return `CAST(${id} AS TIMESTAMP)`;
  // Read as an instant, so an offset in the text counts ('…T05:30+02:00' is 03:30 UTC); text without
  // one is UTC (the database's session zone).
  if (column.type === 'VARCHAR') return `timezone('UTC', TRY_CAST(${id} AS TIMESTAMPTZ))`;
  throw new UserError(
    `${where} ${column.name}: a ${column.type} column cannot order rows in time. Expected dates, timestamps or date strings.`,
  );
}

/** Whether the expression parses text, so a chunked scan should parse each row once, up front. */
export function parsesText(column: ColumnInfo): boolean {
  return column.type === 'VARCHAR';
}

export function truncateSql(unit: TimeUnit, timestamp: string): string {
  return `date_trunc('${unit}', ${timestamp})`;
}

/** The start of the next period (UTC epoch milliseconds); weeks start on Monday as date_trunc's do. */
export function periodEnd(startMs: number, unit: TimeUnit): number {
  const d = new Date(startMs);
  switch (unit) {
    case 'hour':
      return startMs + HOUR_MS;
    case 'day':
      return startMs + DAY_MS;
    case 'week':
      return startMs + 7 * DAY_MS;
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
}

/** `2024-05-01 13:00` for hours, `2024-05-01` for days and weeks (their Monday), `2024-05` for months. */
export function periodLabel(startMs: number, unit: TimeUnit): string {
  const iso = new Date(startMs).toISOString();
  switch (unit) {
    case 'hour':
      return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
    case 'day':
    case 'week':
      return iso.slice(0, 10);
    case 'month':
      return iso.slice(0, 7);
  }
}

/** A UTC epoch-millisecond instant as a DuckDB TIMESTAMP literal. */
export function timestampLiteral(ms: number): string {
  return `TIMESTAMP '${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;
}

/** The start of the period holding `ms` (UTC), as date_trunc computes it; weeks start on Monday. */
export function truncateMs(ms: number, unit: TimeUnit): number {
  const d = new Date(ms);
  switch (unit) {
    case 'hour':
      return Math.floor(ms / HOUR_MS) * HOUR_MS;
    case 'day':
      return Math.floor(ms / DAY_MS) * DAY_MS;
    case 'week': {
      const day = Math.floor(ms / DAY_MS);
      // 1970-01-01 was a Thursday: three days after a Monday.
      return (day - ((((day + 3) % 7) + 7) % 7)) * DAY_MS;
    }
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
}
