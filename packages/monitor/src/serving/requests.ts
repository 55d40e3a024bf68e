import type { Chunk } from '../chunks/chunk.js';

/** One request the server answered, from its request log (`requests-<hour>Z.jsonl`). */
export interface ServedRequest {
  /** Epoch milliseconds. */
  time: number;
  status: number;
  latencyMs: number;
}

/** Per time chunk: the 99th percentile latency and the share of requests the server failed (5xx). */
export interface ServingSeries {
  latencyP99: (number | null)[];
  errorRate: (number | null)[];
  requests: number[];
}

/** The nearest-rank percentile, as Prometheus-style dashboards read a p99 off raw samples. */
function percentile(sorted: Float64Array, q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] as number;
}

/**
 * The serving series of time chunks (chunks without a period, e.g. by row count, get none: a
 * request cannot be placed in them). A chunk without requests has null values.
 */
export function servingSeries(
  requests: readonly ServedRequest[],
  chunks: readonly Chunk[],
): ServingSeries | null {
  if (requests.length === 0 || chunks.some((c) => !c.start || !c.end)) return null;
  const starts = chunks.map((c) => Date.parse(c.start as string));
  const ends = chunks.map((c) => Date.parse(c.end as string));
  const latencies = chunks.map((): number[] => []);
  const errors = chunks.map(() => 0);
  for (const r of requests) {
    const i = chunkAt(starts, r.time);
    if (i < 0 || r.time >= (ends[i] as number)) continue;
    latencies[i]?.push(r.latencyMs);
    if (r.status >= 500) errors[i] = (errors[i] ?? 0) + 1;
  }
  return {
    latencyP99: latencies.map((l) => (l.length === 0 ? null : percentile(Float64Array.from(l).sort(), 0.99))),
    errorRate: latencies.map((l, i) => (l.length === 0 ? null : (errors[i] ?? 0) / l.length)),
    requests: latencies.map((l) => l.length),
  };
}

/** The last chunk starting at or before `time` (chunks are in time order), or -1. */
function chunkAt(starts: readonly number[], time: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((starts[mid] as number) <= time) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
