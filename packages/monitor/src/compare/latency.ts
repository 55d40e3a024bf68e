import { type Database, quoteIdent, toNumber } from '@modelgate/core';
import type { Chunk } from '../chunks/chunk.js';
import type { PredictionLogFiles } from '../prediction-log/files.js';
import type { SkippedLogLines } from '../prediction-log/lines.js';
import { LOG_COLUMNS } from '../prediction-log/load.js';
import { logServingSeries } from '../serving/aggregates.js';
import type { PairChunk } from './chunks.js';
import { isShadowSql } from './roles.js';

/** The production answers' latency, as monitor reads the server's series (per-minute histograms, else request lines). */
export interface ProductionLatency {
  requests: number;
  p99Ms: number | null;
  /** Share of answers that were 5xx. */
  errorRate: number | null;
}

/** The shadow's scoring time per request, from its rows' `latency_ms` (nearest-rank percentiles). */
export interface ShadowLatency {
  requests: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LatencyComparison {
  production: ProductionLatency | null;
  shadow: ShadowLatency | null;
}

const MINUTE_MS = 60_000;

/** The chunks as the serving series reads them; the window runs from its first minute past its last. */
function servingChunks(chunks: readonly PairChunk[], window: PairChunk): Chunk[] {
  const span = (c: PairChunk, i: number): Chunk => {
    const start = c.start === null ? null : Math.floor(Date.parse(c.start) / MINUTE_MS) * MINUTE_MS;
    const end = c === window && c.end !== null ? Date.parse(c.end) + 1 : c.end ? Date.parse(c.end) : null;
    return {
      index: i,
      label: c.label,
      start: start === null ? null : new Date(start).toISOString(),
      end: end === null ? null : new Date(end).toISOString(),
      rows: c.rows.length,
      tooSmall: false,
    };
  };
  return [...chunks, window].map(span);
}

async function productionLatency(
  db: Database,
  log: PredictionLogFiles,
  chunks: readonly PairChunk[],
  window: PairChunk,
): Promise<{ latency: (ProductionLatency | null)[]; skipped: SkippedLogLines | null }> {
  const spans = servingChunks(chunks, window);
  if (spans.some((c) => c.start === null || c.end === null))
    return { latency: spans.map(() => null), skipped: null };
  // Each chunk is read on its own: the window overlaps every chunk.
  const latency: (ProductionLatency | null)[] = [];
  let skipped: SkippedLogLines | null = null;
  for (const span of spans) {
    const series = await logServingSeries(db, log, [span]);
    skipped ??= series?.skipped ?? null;
    const requests = series?.requests[0] ?? 0;
    latency.push(
      series && requests > 0
        ? { requests, p99Ms: series.latencyP99[0] ?? null, errorRate: series.errorRate[0] ?? null }
        : null,
    );
  }
  return { latency, skipped };
}

/**
 * SQL for one row per shadow request (`t` its time in epoch ms, `l` its latency). Request ids are the
 * client's and may repeat, so a request is what the writer guarantees: its rows are consecutive
 * lines (across a rolled-over file too) with the same id, time and latency and `row` counting up
 * from 0; a row that breaks that run starts the next request.
 */
function shadowRequestsSql(table: string, names: ReadonlySet<string>): string {
  const row = names.has(LOG_COLUMNS.row) ? `TRY_CAST(${quoteIdent(LOG_COLUMNS.row)} AS BIGINT)` : 'NULL';
  return `WITH shadow AS (
       SELECT rowid AS rid, CAST(${quoteIdent(LOG_COLUMNS.requestId)} AS VARCHAR) AS id,
         epoch_ms(CAST(${quoteIdent(LOG_COLUMNS.time)} AS TIMESTAMP)) AS t,
         TRY_CAST(${quoteIdent(LOG_COLUMNS.latencyMs)} AS DOUBLE) AS l, ${row} AS r
       FROM ${quoteIdent(table)} WHERE ${isShadowSql(names.has(LOG_COLUMNS.role))}),
     starts AS (
       SELECT rid, t, l, CASE WHEN id IS DISTINCT FROM lag(id) OVER w OR t IS DISTINCT FROM lag(t) OVER w
         OR l IS DISTINCT FROM lag(l) OVER w OR r <= lag(r) OVER w THEN 1 ELSE 0 END AS first
       FROM shadow WINDOW w AS (ORDER BY rid)),
     numbered AS (SELECT t, l, sum(first) OVER (ORDER BY rid ROWS UNBOUNDED PRECEDING) AS q FROM starts)
     SELECT min(t) AS t, any_value(l) AS l FROM numbered GROUP BY q`;
}

async function shadowLatency(
  db: Database,
  table: string,
  names: ReadonlySet<string>,
  chunks: readonly PairChunk[],
  window: PairChunk,
): Promise<(ShadowLatency | null)[]> {
  const spans = [...chunks, window];
  if (!names.has(LOG_COLUMNS.latencyMs)) return spans.map(() => null);
  const bounds = spans
    .map((c, k) =>
      c.start === null || c.end === null
        ? null
        : `(${k}, ${Date.parse(c.start)}, ${Date.parse(c.end) + (c === window ? 1 : 0)})`,
    )
    .filter((v) => v !== null);
  if (bounds.length === 0) return spans.map(() => null);
  const rows = await db.rows<Record<string, unknown>>(
    `WITH spans AS (SELECT * FROM (VALUES ${bounds.join(', ')}) AS s(k, s, e)),
     requests AS (${shadowRequestsSql(table, names)}),
     placed AS (SELECT spans.k, requests.l FROM requests JOIN spans ON requests.t >= spans.s AND requests.t < spans.e
       WHERE requests.l IS NOT NULL),
     ranked AS (SELECT k, l, row_number() OVER (PARTITION BY k ORDER BY l) AS rank, count(*) OVER (PARTITION BY k) AS n FROM placed)
     SELECT k, any_value(n) AS n, avg(l) AS mean,
       max(l) FILTER (WHERE rank = ceil(0.5 * n)) AS p50, max(l) FILTER (WHERE rank = ceil(0.99 * n)) AS p99
     FROM ranked GROUP BY k`,
  );
  const out: (ShadowLatency | null)[] = spans.map(() => null);
  for (const r of rows) {
    const k = toNumber(r.k) ?? -1;
    if (k < 0 || k >= out.length) continue;
    out[k] = {
      requests: toNumber(r.n) ?? 0,
      meanMs: toNumber(r.mean) ?? Number.NaN,
      p50Ms: toNumber(r.p50) ?? Number.NaN,
      p99Ms: toNumber(r.p99) ?? Number.NaN,
    };
  }
  return out;
}

/**
 * Latency of each model per chunk, and for the window (the last entry); what a crash left in the
 * request lines that were read for production's.
 */
export async function compareLatency(
  db: Database,
  log: PredictionLogFiles,
  loaded: { table: string; columns: readonly { name: string }[] },
  chunks: readonly PairChunk[],
  window: PairChunk,
): Promise<{ latency: LatencyComparison[]; skipped: SkippedLogLines | null }> {
  const names = new Set(loaded.columns.map((c) => c.name));
  const production = await productionLatency(db, log, chunks, window);
  const shadow = await shadowLatency(db, loaded.table, names, chunks, window);
  return {
    latency: production.latency.map((p, k) => ({ production: p, shadow: shadow[k] ?? null })),
    skipped: production.skipped,
  };
}
