import {
  type ColumnInfo,
  type ColumnKind,
  type Database,
  type DataProfile,
  type DuckDBAppender,
  profileDataset,
  quoteIdent,
} from '@modelgate/core';
import { profileType, profileValue, storageType } from './column-kinds.js';
import type { LoggedValue } from './rows.js';

const BATCH_TABLE = 'prediction_log_batch';
const BATCH_VIEW = 'prediction_log_batch_view';

export interface ProfiledColumn {
  name: string;
  kind: ColumnKind;
  values: LoggedValue[];
}

function columnSql(column: ProfiledColumn, i: number): string {
  const stored = quoteIdent(`c${i}`);
  const read = column.kind === 'datetime' ? `epoch_ms(CAST(${stored} AS BIGINT))` : stored;
  return `${read} AS ${quoteIdent(column.name)}`;
}

function append(appender: DuckDBAppender, kind: ColumnKind, value: number | string | boolean | null): void {
  if (value === null) appender.appendNull();
  else if (typeof value === 'number') appender.appendDouble(value);
  else if (typeof value === 'boolean') appender.appendBoolean(value);
  else appender.appendVarchar(kind === 'numeric' ? String(value) : value);
}

/**
 * The profile of one batch of logged rows, computed by core's profileDataset
 * over a DuckDB table of them: the very profile `modelgate profile` writes, so
 * hourly profiles merge with it and with each other.
 */
export async function profileBatch(
  db: Database,
  columns: readonly ProfiledColumn[],
  rows: number,
): Promise<DataProfile> {
  const definitions = columns.map((c, i) => `${quoteIdent(`c${i}`)} ${storageType(c.kind)}`);
  await db.run(
    `CREATE OR REPLACE TABLE ${quoteIdent(BATCH_TABLE)} (${definitions.join(', ') || '__none INTEGER'})`,
  );
  try {
    await db.append(BATCH_TABLE, (appender) => {
      for (let r = 0; r < rows; r++) {
        if (columns.length === 0) appender.appendNull();
        for (const column of columns)
          append(appender, column.kind, profileValue(column.kind, column.values[r] ?? null));
        appender.endRow();
      }
    });
    const select = columns.length > 0 ? columns.map(columnSql).join(', ') : '__none';
    await db.run(
      `CREATE OR REPLACE VIEW ${quoteIdent(BATCH_VIEW)} AS SELECT ${select} FROM ${quoteIdent(BATCH_TABLE)}`,
    );
    const info: ColumnInfo[] = columns.map((c) => ({
      name: c.name,
      type: profileType(c.kind),
      kind: c.kind,
    }));
    return await profileDataset(db, {
      table: BATCH_VIEW,
      files: [],
      format: 'jsonl',
      columns: info,
      rowCount: rows,
    });
  } finally {
    await db.run(
      `DROP VIEW IF EXISTS ${quoteIdent(BATCH_VIEW)}; DROP TABLE IF EXISTS ${quoteIdent(BATCH_TABLE)}`,
    );
  }
}
