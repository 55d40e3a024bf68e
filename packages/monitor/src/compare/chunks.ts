import { UserError } from '@modelgate/core';
import { type ChunkSpec, formatChunkSpec, type TimeUnit } from '../chunks/spec.js';
import { periodEnd, periodLabel, truncateMs } from '../chunks/time.js';

export interface PairChunk {
  label: string;
  /** ISO instants; the window of `all` spans the first to the last pair. */
  start: string | null;
  end: string | null;
  /** Indexes of the pairs in the chunk, in time order. */
  rows: Int32Array;
}

/** The chunks a comparison reports: calendar periods of the pairs' times (UTC), or none for `all`. */
export function comparisonUnit(spec: ChunkSpec): TimeUnit | null {
  if (spec.by === 'time') return spec.unit;
  if (spec.by === 'all') return null;
  throw new UserError(
    `--chunk ${formatChunkSpec(spec)}: --compare chunks by time; use hour, day, week, month or all.`,
  );
}

/** Pairs by period of their time; a pair without a time falls in no chunk (only the window counts it). */
export function chunkPairs(times: Float64Array, unit: TimeUnit | null): PairChunk[] {
  if (unit === null) return [];
  const byStart = new Map<number, number[]>();
  times.forEach((t, i) => {
    if (!Number.isFinite(t)) return;
    const start = truncateMs(t, unit);
    let rows = byStart.get(start);
    if (!rows) {
      rows = [];
      byStart.set(start, rows);
    }
    rows.push(i);
  });
  return [...byStart.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, rows]) => ({
      label: periodLabel(start, unit),
      start: new Date(start).toISOString(),
      end: new Date(periodEnd(start, unit)).toISOString(),
      rows: Int32Array.from(rows),
    }));
}

/** Every pair, as one chunk. */
export function windowOf(times: Float64Array): PairChunk {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const t of times) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
  return {
    label: 'window',
    start: iso(first),
    end: iso(last),
    rows: Int32Array.from({ length: times.length }, (_, i) => i),
  };
}
