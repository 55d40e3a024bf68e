import { type Database, listLiteral, toNumber, UserError } from '@modelgate/core';
import type { ServedRequest } from '../serving/requests.js';
import type { PredictionLogFiles } from './files.js';

/** The answered requests of the log's `requests-*.jsonl` files (none when the server wrote none). */
export async function readRequestLog(db: Database, log: PredictionLogFiles): Promise<ServedRequest[]> {
  if (log.requests.length === 0) return [];
  const source = `read_json(${listLiteral(log.requests)}, format = 'newline_delimited', union_by_name = true,
    columns = {time: 'TIMESTAMPTZ', status: 'INTEGER', latency_ms: 'DOUBLE'})`;
  const rows = await db
    .rows<{ t: unknown; status: unknown; latency: unknown }>(
      `SELECT epoch_ms(time) AS t, status, latency_ms AS latency FROM ${source}
       WHERE time IS NOT NULL AND status IS NOT NULL AND latency_ms IS NOT NULL`,
    )
    .catch((err: unknown) => {
      throw new UserError(
        `${log.dir}: cannot read the request log: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}.`,
      );
    });
  return rows.map((r) => ({
    time: toNumber(r.t) ?? 0,
    status: toNumber(r.status) ?? 0,
    latencyMs: toNumber(r.latency) ?? 0,
  }));
}
