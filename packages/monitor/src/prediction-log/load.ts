import {
  checkTextEncoding,
  type Database,
  type Dataset,
  describeColumns,
  listLiteral,
  quoteIdent,
  toNumber,
  UserError,
} from '@modelgate/core';
import type { PredictionLogFiles } from './files.js';

/** The log's own columns beside the flattened inputs and outputs: never features. */
export const LOG_COLUMNS = {
  time: 'time',
  requestId: 'request_id',
  model: 'model',
  version: 'version',
  row: 'row',
  /** `shadow` on a shadow model's rows (modelgate serve --shadow), absent or `production` otherwise. */
  role: 'role',
  /** On a shadow row: the shadow's scoring time for the whole request. */
  latencyMs: 'latency_ms',
} as const;

/**
 * Reads the log's JSONL into one table, a row per scored row: the log
 * columns, then `inputs.*` as columns, then `outputs.*` (label,
 * probability_<class>, prediction), in file order.
 */
export async function loadPredictionLog(
  db: Database,
  log: PredictionLogFiles,
  table = 'current',
): Promise<Dataset> {
  await checkTextEncoding(log.predictions, 'jsonl');
  const files = listLiteral(log.predictions);
  const source = `read_json(${files}, format = 'newline_delimited', union_by_name = true, map_inference_threshold = -1)`;
  const described = await db
    .rows<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${source}`)
    .catch((err: unknown) => {
      throw new UserError(
        `${log.dir}: cannot read the prediction log: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}.`,
      );
    });
  const types = new Map(described.map((c) => [c.column_name, c.column_type]));
  for (const needed of ['inputs', 'outputs', LOG_COLUMNS.time]) {
    if (!types.has(needed)) {
      throw new UserError(
        `${log.dir}: the prediction log has no '${needed}' field. Expected lines such as {"time": …, "request_id": …, "row": 0, "inputs": {…}, "outputs": {…}}.`,
      );
    }
    if ((needed === 'inputs' || needed === 'outputs') && !types.get(needed)?.startsWith('STRUCT')) {
      throw new UserError(
        `${log.dir}: '${needed}' is ${types.get(needed)} in the prediction log; expected an object of columns.`,
      );
    }
  }
  const own = Object.values(LOG_COLUMNS)
    .filter((c) => types.has(c))
    .map((c) => quoteIdent(c));
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} AS SELECT ${own.join(', ')}, inputs.*, outputs.* FROM ${source}`,
  );
  const columns = await describeColumns(db, table, log.dir);
  const count = await db.first<{ n: unknown }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
  const rowCount = toNumber(count?.n) ?? 0;
  if (rowCount === 0) throw new UserError(`${log.dir}: the prediction log has no rows.`);
  return {
    table,
    files: log.predictions,
    format: 'jsonl',
    columns,
    rowCount,
  };
}
