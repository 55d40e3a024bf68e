import {
  checkTextEncoding,
  type Database,
  type Dataset,
  describeColumns,
  listLiteral,
  quoteIdent,
  quoteLiteral,
  toNumber,
  UserError,
} from '@modelgate/core';
import type { PredictionLogFiles } from './files.js';
import { findBadLine, readableLogFiles, type SkippedLogLines } from './lines.js';

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

/** A loaded prediction log: the table, and what a crash left behind that the reader skipped. */
export interface LoadedPredictionLog extends Dataset {
  skipped: SkippedLogLines;
}

/**
 * Reads the log's JSONL into one table, a row per scored row: the log
 * columns, then `inputs.*` as columns, then `outputs.*` (label,
 * probability_<class>, prediction), in file order. A torn last line and an
 * empty file are skipped and counted; any other line that is not a JSON
 * object is refused, naming its file and line.
 */
export async function loadPredictionLog(
  db: Database,
  log: PredictionLogFiles,
  table = 'current',
): Promise<LoadedPredictionLog> {
  const readable = await readableLogFiles(log.predictions);
  try {
    return { ...(await loadReadable(db, log, readable.files, table)), skipped: readable.skipped };
  } finally {
    await readable.dispose();
  }
}

async function loadReadable(
  db: Database,
  log: PredictionLogFiles,
  readable: { read: string; file: string }[],
  table: string,
): Promise<Dataset> {
  if (readable.length === 0) throw new UserError(`${log.dir}: the prediction log has no rows.`);
  for (const { read, file } of readable) {
    // A copy without a torn line is named as the log file it stands for.
    await checkTextEncoding([read], 'jsonl').catch((err: unknown) => {
      throw err instanceof UserError ? new UserError(err.message.replace(read, file)) : err;
    });
  }
  const files = listLiteral(readable.map((f) => f.read));
  // Types come from every line, not a sample of the first: a feature whose first 20,480 values are
  // whole numbers (or null) would otherwise be read as BIGINT (or JSON text), silently rounding
  // (or unparsing) every value after them.
  const options = `format = 'newline_delimited', union_by_name = true, map_inference_threshold = -1`;
  const inferred = `read_json(${files}, ${options}, sample_size = -1)`;
  const unreadable = async (err: unknown): Promise<never> => {
    throw new UserError(
      (await findBadLine(readable)) ??
        `${log.dir}: cannot read the prediction log: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}.`,
    );
  };
  const described = await db
    .rows<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${inferred}`)
    .catch(unreadable);
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
  const declared = described.map((c) => `${quoteLiteral(c.column_name)}: ${quoteLiteral(c.column_type)}`);
  const source = `read_json(${files}, ${options}, auto_detect = false, columns = {${declared.join(', ')}})`;
  const own = Object.values(LOG_COLUMNS)
    .filter((c) => types.has(c))
    .map((c) => quoteIdent(c));
  await db
    .run(
      `CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} AS SELECT ${own.join(', ')}, inputs.*, outputs.* FROM ${source}`,
    )
    .catch(unreadable);
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
