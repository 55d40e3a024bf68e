import {
  type Database,
  type Dataset,
  describeColumns,
  quoteIdent,
  toNumber,
  UserError,
} from '@modelgate/core';
import { LOG_COLUMNS } from '../prediction-log/load.js';
import { isShadowSql } from './roles.js';

export const PAIR_TABLES = {
  keyed: 'shadow_keyed',
  pairs: 'shadow_pairs',
  production: 'compare_production',
  shadow: 'compare_shadow',
} as const;

export interface ShadowPairs {
  /** The production model's rows that the shadow also scored, in time order. */
  production: Dataset;
  /** The shadow's rows, in the same order: row i of both is the same input. */
  shadow: Dataset;
  /** Epoch milliseconds of each pair (the production answer's time). */
  times: Float64Array;
  counts: {
    production: number;
    shadow: number;
    paired: number;
    /** Rows only the production model scored (not sent to the shadow, or its work was dropped). */
    productionOnly: number;
    /** Rows only the shadow scored (the production row was not logged). */
    shadowOnly: number;
  };
  versions: { production: string[]; shadow: string[] };
  /** The model names each side's rows give (one each, unless the log was written by hand). */
  models: { production: string[]; shadow: string[] };
}

const count = async (db: Database, sql: string) => toNumber((await db.first<{ n: unknown }>(sql))?.n) ?? 0;

async function distinctOf(
  db: Database,
  source: string,
  shadow: boolean,
  column: string | undefined,
): Promise<string[]> {
  if (!column) return [];
  const rows = await db.rows<{ v: string }>(
    `SELECT DISTINCT CAST(c.${quoteIdent(column)} AS VARCHAR) AS v FROM ${quoteIdent(PAIR_TABLES.keyed)} k JOIN ${source} c ON c.rowid = k.rid WHERE k.shadow = ${shadow} AND v IS NOT NULL ORDER BY v`,
  );
  return rows.map((r) => r.v);
}

/**
 * The rows both models scored, matched by request id, row within the request
 * and the answer's time (for logs written before the two rows shared a time,
 * the first of each side when an id repeats), as two tables in the same order. A log without shadow rows is refused: there is nothing to compare.
 */
export async function pairShadowRows(db: Database, log: Dataset): Promise<ShadowPairs> {
  const names = new Set(log.columns.map((c) => c.name));
  if (!names.has(LOG_COLUMNS.requestId)) {
    throw new UserError(
      `${log.files[0] ?? log.table}: the prediction log has no '${LOG_COLUMNS.requestId}' field to pair the two models' rows by.`,
    );
  }
  const source = quoteIdent(log.table);
  const row = names.has(LOG_COLUMNS.row) ? `coalesce(${quoteIdent(LOG_COLUMNS.row)}, 0)` : '0';
  const answeredAt = names.has(LOG_COLUMNS.time)
    ? `epoch_ms(TRY_CAST(${quoteIdent(LOG_COLUMNS.time)} AS TIMESTAMP))`
    : 'NULL';
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${quoteIdent(PAIR_TABLES.keyed)} AS
     SELECT rowid AS rid, CAST(${quoteIdent(LOG_COLUMNS.requestId)} AS VARCHAR) AS id, ${row} AS r, ${answeredAt} AS t,
       ${isShadowSql(names.has(LOG_COLUMNS.role))} AS shadow
     FROM ${quoteIdent(log.table)} WHERE ${quoteIdent(LOG_COLUMNS.requestId)} IS NOT NULL`,
  );
  const shadowRows = await count(
    db,
    `SELECT count(*) AS n FROM ${quoteIdent(PAIR_TABLES.keyed)} WHERE shadow`,
  );
  if (shadowRows === 0) {
    throw new UserError(
      `${log.files[0] ?? log.table}: the prediction log has no shadow rows (role "shadow") to compare with. Serve with --shadow <model>#<stage> to log a second model's predictions.`,
    );
  }
  const keyed = quoteIdent(PAIR_TABLES.keyed);
  // The server writes both models' rows of a request with the answer's time, so id, row and time
  // pair them even when a client reuses an id (several alike in one millisecond pair in log order).
  const occurrences = (shadow: boolean) =>
    `(SELECT id, r, t, rid, row_number() OVER (PARTITION BY id, r, t ORDER BY rid) AS k FROM ${keyed} WHERE shadow = ${shadow} AND t IS NOT NULL)`;
  // Logs written before that carry the shadow's own time: there the first row of each side pairs.
  const firstOf = (shadow: boolean) =>
    `(SELECT id, r, min(rid) AS rid FROM ${keyed} WHERE shadow = ${shadow} GROUP BY id, r)`;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${quoteIdent(PAIR_TABLES.pairs)} AS
     WITH exact AS (
       SELECT p.id, p.r, p.rid AS p_rid, s.rid AS s_rid FROM ${occurrences(false)} p JOIN ${occurrences(true)} s USING (id, r, t, k))
     SELECT p_rid, s_rid FROM exact
     UNION ALL
     SELECT p.rid AS p_rid, s.rid AS s_rid FROM ${firstOf(false)} p JOIN ${firstOf(true)} s USING (id, r)
     WHERE NOT EXISTS (SELECT 1 FROM exact e WHERE e.id = p.id AND e.r = p.r)`,
  );
  const time = quoteIdent(LOG_COLUMNS.time);
  const order = `epoch_ms(CAST(p.${time} AS TIMESTAMP)), x.p_rid`;
  for (const [table, side] of [
    [PAIR_TABLES.production, 'p_rid'],
    [PAIR_TABLES.shadow, 's_rid'],
  ] as const) {
    await db.run(
      `CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} AS
       SELECT c.* FROM ${quoteIdent(PAIR_TABLES.pairs)} x
       JOIN ${source} p ON p.rowid = x.p_rid JOIN ${source} c ON c.rowid = x.${side}
       ORDER BY ${order}`,
    );
  }
  const timeRows = await db.rows<{ t: unknown }>(
    `SELECT epoch_ms(CAST(${time} AS TIMESTAMP)) AS t FROM ${quoteIdent(PAIR_TABLES.production)} ORDER BY rowid`,
  );
  const paired = timeRows.length;
  const production = await count(
    db,
    `SELECT count(*) AS n FROM ${quoteIdent(PAIR_TABLES.keyed)} WHERE NOT shadow`,
  );
  const version = names.has(LOG_COLUMNS.version) ? LOG_COLUMNS.version : undefined;
  const model = names.has(LOG_COLUMNS.model) ? LOG_COLUMNS.model : undefined;
  const dataset = async (table: string): Promise<Dataset> => ({
    table,
    files: log.files,
    format: log.format,
    columns: await describeColumns(db, table, log.files[0] ?? table),
    rowCount: paired,
  });
  return {
    production: await dataset(PAIR_TABLES.production),
    shadow: await dataset(PAIR_TABLES.shadow),
    times: Float64Array.from(timeRows, (r) => toNumber(r.t) ?? Number.NaN),
    counts: {
      production,
      shadow: shadowRows,
      paired,
      productionOnly: production - paired,
      shadowOnly: shadowRows - paired,
    },
    versions: {
      production: await distinctOf(db, source, false, version),
      shadow: await distinctOf(db, source, true, version),
    },
    models: {
      production: await distinctOf(db, source, false, model),
      shadow: await distinctOf(db, source, true, model),
    },
  };
}
