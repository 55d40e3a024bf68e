import { type Database, listLiteral, toNumber, UserError } from '@modelgate/core';
import type { Chunk } from '../chunks/chunk.js';
import { findBadLine, readableLogFiles, type SkippedLogLines } from '../prediction-log/lines.js';

/** Per time chunk: the 99th percentile latency and the share of requests the server failed (5xx). */
export interface ServingSeries {
  latencyP99: (number | null)[];
  errorRate: (number | null)[];
  requests: number[];
  /** What a crash left in the request lines that the reader skipped; absent when nothing was. */
  skipped?: SkippedLogLines;
}

/** Time chunks as SQL rows (index, start and end in epoch ms). */
function chunkRows(chunks: readonly Chunk[]): string {
  return chunks
    .map((c, i) => `(${i}, ${Date.parse(c.start as string)}, ${Date.parse(c.end as string)})`)
    .join(', ');
}

/**
 * The serving series of time chunks from the server's request log files
 * (`requests-<hour>Z.jsonl`, a line per answered request), aggregated in
 * DuckDB so a window of millions of requests never reaches JavaScript. A
 * request belongs to the last chunk starting at or before it, if it ends
 * after it; p99 is the nearest-rank percentile, as dashboards read it off raw
 * samples. Null for chunks without a period (by row count, say) or no
 * requests at all; a chunk without requests has null values. A torn last line
 * and an empty file are skipped and counted, as in the prediction files.
 */
export async function servingSeries(
  db: Database,
  files: readonly string[],
  chunks: readonly Chunk[],
): Promise<ServingSeries | null> {
  if (files.length === 0 || chunks.length === 0 || chunks.some((c) => !c.start || !c.end)) return null;
  const readable = await readableLogFiles(files);
  try {
    const series = readable.files.length > 0 ? await readSeries(db, readable.files, chunks) : null;
    const { torn, emptyFiles } = readable.skipped;
    return series && torn.length + emptyFiles.length > 0 ? { ...series, skipped: readable.skipped } : series;
  } finally {
    await readable.dispose();
  }
}

async function readSeries(
  db: Database,
  files: { read: string; file: string }[],
  chunks: readonly Chunk[],
): Promise<ServingSeries | null> {
  const source = `read_json(${listLiteral(files.map((f) => f.read))}, format = 'newline_delimited', union_by_name = true,
    columns = {time: 'TIMESTAMPTZ', status: 'INTEGER', latency_ms: 'DOUBLE'})`;
  const rows = await db
    .rows<{ i: unknown; n: unknown; errors: unknown; p99: unknown }>(
      `WITH chunks AS (SELECT * FROM (VALUES ${chunkRows(chunks)}) AS c(i, s, e)),
       served AS (
         SELECT epoch_ms(time) AS t, status, latency_ms AS latency FROM ${source}
         WHERE time IS NOT NULL AND status IS NOT NULL AND latency_ms IS NOT NULL),
       placed AS (SELECT c.i, served.status, served.latency FROM served ASOF JOIN chunks c ON served.t >= c.s
         WHERE served.t < c.e),
       ranked AS (
         SELECT i, status, latency, row_number() OVER (PARTITION BY i ORDER BY latency) AS rank,
           count(*) OVER (PARTITION BY i) AS n
         FROM placed)
       SELECT i, any_value(n) AS n, count(*) FILTER (WHERE status >= 500) AS errors,
         max(latency) FILTER (WHERE rank = ceil(0.99 * n)) AS p99
       FROM ranked GROUP BY i`,
    )
    .catch(async (err: unknown) => {
      throw new UserError(
        (await findBadLine(files)) ??
          `${files[0]?.file}: cannot read the server's request log: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}.`,
      );
    });
  if (rows.length === 0) return null;
  const requests = chunks.map(() => 0);
  const latencyP99: (number | null)[] = chunks.map(() => null);
  const errorRate: (number | null)[] = chunks.map(() => null);
  for (const row of rows) {
    const i = toNumber(row.i) ?? -1;
    const n = toNumber(row.n) ?? 0;
    if (i < 0 || i >= chunks.length || n === 0) continue;
    requests[i] = n;
    latencyP99[i] = toNumber(row.p99);
    errorRate[i] = (toNumber(row.errors) ?? 0) / n;
  }
  return { latencyP99, errorRate, requests };
}
