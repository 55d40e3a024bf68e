import { readFile } from 'node:fs/promises';
import { type Database, parseJson, UserError } from '@modelgate/core';
import type { Chunk } from '../chunks/chunk.js';
import type { PredictionLogFiles } from '../prediction-log/files.js';
import { type ServingSeries, servingSeries } from './requests.js';

/** What monitor reads of a `serving-<hour>Z.json` (format modelgate.serving/1, written by the server). */
interface ServingMinutes {
  format: string;
  latencyBucketsMs: number[];
  minutes: { minute: string; count: number; status: Record<string, number>; latencyBuckets: number[] }[];
}

interface ChunkTotals {
  count: number;
  errors: number;
  buckets: number[];
}

async function readServing(file: string): Promise<ServingMinutes> {
  const text = await readFile(file, 'utf8').catch(() => 'null');
  const parsed = parseJson(text, file) as ServingMinutes | null;
  if (parsed?.format !== 'modelgate.serving/1' || !Array.isArray(parsed.minutes)) {
    throw new UserError(`${file}: not a serving aggregate file (expected format modelgate.serving/1).`);
  }
  return parsed;
}

/**
 * The q-quantile of a latency histogram as Prometheus's histogram_quantile
 * reads it: linear inside the bucket holding the rank, the highest finite
 * bound for the +Inf bucket.
 */
export function histogramQuantile(
  q: number,
  upperBounds: readonly number[],
  counts: readonly number[],
): number | null {
  const total = counts.reduce((s, n) => s + n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] as number;
    if (below + n >= rank && n > 0) {
      if (i >= upperBounds.length) return upperBounds.at(-1) ?? null;
      const lower = i === 0 ? 0 : (upperBounds[i - 1] as number);
      return lower + ((upperBounds[i] as number) - lower) * ((rank - below) / n);
    }
    below += n;
  }
  return upperBounds.at(-1) ?? null;
}

/**
 * The serving series of time chunks from the server's per-minute aggregates:
 * a minute belongs to the chunk its start falls in; p99 as Prometheus would
 * read it off the same buckets; the error rate is the share of 5xx answers.
 */
export async function servingSeriesFromAggregates(
  files: readonly string[],
  chunks: readonly Chunk[],
): Promise<ServingSeries | null> {
  if (files.length === 0 || chunks.length === 0 || chunks.some((c) => !c.start || !c.end)) return null;
  const spans = chunks.map((c) => [Date.parse(c.start as string), Date.parse(c.end as string)] as const);
  const totals: (ChunkTotals | null)[] = chunks.map(() => null);
  let bounds: number[] = [];
  for (const file of files) {
    const serving = await readServing(file);
    bounds = serving.latencyBucketsMs;
    for (const m of serving.minutes) {
      const t = Date.parse(`${m.minute}:00Z`);
      const i = spans.findIndex(([start, end]) => t >= start && t < end);
      if (i === -1) continue;
      const into = totals[i] ?? { count: 0, errors: 0, buckets: [] };
      totals[i] = into;
      into.count += m.count;
      into.errors += m.status['5xx'] ?? 0;
      m.latencyBuckets.forEach((n, b) => {
        into.buckets[b] = (into.buckets[b] ?? 0) + n;
      });
    }
  }
  if (totals.every((t) => t === null)) return null;
  return {
    latencyP99: totals.map((t) => (t ? histogramQuantile(0.99, bounds, t.buckets) : null)),
    errorRate: totals.map((t) => (t && t.count > 0 ? t.errors / t.count : null)),
    requests: totals.map((t) => t?.count ?? 0),
  };
}

/** A prediction log's serving series: from its per-minute aggregates, else (an older log) its request lines. */
export function logServingSeries(
  db: Database,
  log: Pick<PredictionLogFiles, 'serving' | 'requests'>,
  chunks: readonly Chunk[],
): Promise<ServingSeries | null> {
  return log.serving.length > 0
    ? servingSeriesFromAggregates(log.serving, chunks)
    : servingSeries(db, log.requests, chunks);
}
