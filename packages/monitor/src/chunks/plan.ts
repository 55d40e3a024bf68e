import { type ColumnInfo, type Database, quoteIdent, toNumber, UserError } from '@modelgate/core';
import type { Chunk } from './chunk.js';
import { type ChunkSpec, formatChunkSpec, MAX_CHUNKS } from './spec.js';
import { parsesText, periodEnd, periodLabel, timestampLiteral, timestampSql, truncateSql } from './time.js';

/** A chunk with the SQL that selects its rows from the loaded table. */
export interface PlannedChunk extends Chunk {
  where: string;
  /** The value keySql takes on this chunk's rows. */
  key: number;
}

export interface ChunkPlan {
  chunks: PlannedChunk[];
  /** Groups rows by chunk: a number equal to some chunk's `key`, NULL for rows in none. */
  keySql: string;
  /** Rows left out: no time, or a time that did not parse. */
  excluded: number;
}

/** The column holding parsed times when the time column is text: parsed once, not once per chunk. */
export const PARSED_TIME_COLUMN = '__modelgate_time';

function tooMany(spec: ChunkSpec, count: number): UserError {
  return new UserError(
    `--chunk ${formatChunkSpec(spec)}: the window has ${count} chunks; at most ${MAX_CHUNKS} are monitored. Use longer chunks.`,
  );
}

async function timeExpression(db: Database, table: string, time: ColumnInfo): Promise<string> {
  const sql = timestampSql(time);
  if (!parsesText(time)) return sql;
  await db.run(
    `ALTER TABLE ${quoteIdent(table)} ADD COLUMN IF NOT EXISTS ${quoteIdent(PARSED_TIME_COLUMN)} TIMESTAMP`,
  );
  await db.run(`UPDATE ${quoteIdent(table)} SET ${quoteIdent(PARSED_TIME_COLUMN)} = ${sql}`);
  return quoteIdent(PARSED_TIME_COLUMN);
}

async function timeChunks(
  db: Database,
  table: string,
  spec: ChunkSpec & { by: 'time' },
  time: ColumnInfo,
  minRows: number,
): Promise<ChunkPlan> {
  const ts = await timeExpression(db, table, time);
  const period = truncateSql(spec.unit, ts);
  const keySql = `epoch_ms(${period})`;
  const rows = await db.rows<{ k: unknown; n: unknown }>(
    `SELECT ${keySql} AS k, count(*) AS n FROM ${quoteIdent(table)} GROUP BY ALL ORDER BY k NULLS LAST`,
  );
  let excluded = 0;
  const periods: { start: number; rows: number }[] = [];
  for (const row of rows) {
    const start = toNumber(row.k);
    const n = toNumber(row.n) ?? 0;
    if (start === null) excluded += n;
    else periods.push({ start, rows: n });
  }
  if (periods.length === 0) {
    throw new UserError(
      `--time ${time.name}: no row has a time this command can read (${time.type}). Expected dates or timestamps such as 2024-05-01 13:00.`,
    );
  }
  if (periods.length > MAX_CHUNKS) throw tooMany(spec, periods.length);
  const chunks = periods.map(({ start, rows: n }, index): PlannedChunk => {
    const end = periodEnd(start, spec.unit);
    return {
      index,
      label: periodLabel(start, spec.unit),
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      rows: n,
      tooSmall: n < minRows,
      where: `${ts} >= ${timestampLiteral(start)} AND ${ts} < ${timestampLiteral(end)}`,
      key: start,
    };
  });
  return { chunks, keySql, excluded };
}

function rowChunks(size: number, rowCount: number, minRows: number): ChunkPlan {
  const count = Math.max(1, Math.ceil(rowCount / size));
  const chunks = Array.from({ length: count }, (_, index): PlannedChunk => {
    const first = index * size;
    const last = Math.min(rowCount, first + size);
    return {
      index,
      label: `rows ${first + 1}–${last}`,
      start: null,
      end: null,
      rows: last - first,
      tooSmall: last - first < minRows,
      where: `rowid >= ${first} AND rowid < ${last}`,
      key: index,
    };
  });
  return { chunks, keySql: `rowid // ${size}`, excluded: 0 };
}

/**
 * Cuts a loaded table into chunks: calendar periods of the time column
 * (UTC), or N rows in file order (a prediction log is written in time
 * order), or one chunk. Chunks are the periods holding rows: an empty hour
 * is not a chunk.
 */
export async function planChunks(
  db: Database,
  table: string,
  spec: ChunkSpec,
  options: { time: ColumnInfo | undefined; rowCount: number; minRows: number },
): Promise<ChunkPlan> {
  const { time, rowCount, minRows } = options;
  if (spec.by === 'time') {
    if (!time) {
      throw new UserError(
        `--chunk ${spec.unit}: needs a time column. Pass --time <column> or set 'time' in modelgate.yaml.`,
      );
    }
    return timeChunks(db, table, spec, time, minRows);
  }
  if (spec.by === 'rows') {
    const count = Math.ceil(rowCount / spec.size);
    if (count > MAX_CHUNKS) throw tooMany(spec, count);
    return rowChunks(spec.size, rowCount, minRows);
  }
  if (spec.by === 'file') {
    throw new UserError(
      '--chunk file: applies to a directory of profiles (one chunk per file). For a data file use hour, day, week, month or rows:<N>.',
    );
  }
  const whole: PlannedChunk = {
    index: 0,
    label: 'all rows',
    start: null,
    end: null,
    rows: rowCount,
    tooSmall: rowCount < minRows,
    where: 'true',
    key: 0,
  };
  return { chunks: [whole], keySql: '0', excluded: 0 };
}
