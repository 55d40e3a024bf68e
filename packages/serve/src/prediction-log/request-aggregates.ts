import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@modelgate/core';
import type { RequestLogEntry } from './types.js';

export const SERVING_FORMAT = 'modelgate.serving/1';

/** The upper bounds (ms) of the latency buckets: /metrics' request_duration_seconds buckets; one more counts the rest (+Inf). */
export const LATENCY_BUCKETS_MS = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] as const;

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** One model version's requests in one UTC minute. */
export interface MinuteAggregate {
  /** `2026-11-26T07:15`, UTC. */
  minute: string;
  /** Null for requests refused before a version was chosen. */
  version: string | null;
  count: number;
  status: Record<StatusClass, number>;
  /** Requests per latency bucket (LATENCY_BUCKETS_MS, then +Inf), not cumulative. */
  latencyBuckets: number[];
  latencySumMs: number;
}

/** `serving-<hour>Z.json`: a model's requests of one hour, per minute and version. */
export interface ServingFile {
  format: typeof SERVING_FORMAT;
  hour: string;
  latencyBucketsMs: readonly number[];
  minutes: MinuteAggregate[];
}

export function servingFileName(hour: string): string {
  return `serving-${hour}Z.json`;
}

function statusClass(status: number): StatusClass {
  const index = Math.min(5, Math.max(1, Math.floor(status / 100))) - 1;
  return STATUS_CLASSES[index] as StatusClass;
}

function bucketOf(latencyMs: number): number {
  const at = LATENCY_BUCKETS_MS.findIndex((upper) => latencyMs <= upper);
  return at === -1 ? LATENCY_BUCKETS_MS.length : at;
}

function emptyMinute(minute: string, version: string | null): MinuteAggregate {
  return {
    minute,
    version,
    count: 0,
    status: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
    latencyBuckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
    latencySumMs: 0,
  };
}

const keyOf = (m: Pick<MinuteAggregate, 'minute' | 'version'>) => `${m.minute}\n${m.version ?? ''}`;

/** Adds `b`'s counts into `a` (same minute and version). */
function addMinute(a: MinuteAggregate, b: MinuteAggregate): void {
  a.count += b.count;
  for (const c of STATUS_CLASSES) a.status[c] += b.status[c];
  b.latencyBuckets.forEach((n, i) => {
    a.latencyBuckets[i] = (a.latencyBuckets[i] ?? 0) + n;
  });
  a.latencySumMs += b.latencySumMs;
}

/** Per-minute aggregates of the entries, by model and hour. */
export function aggregateRequests(
  entries: readonly RequestLogEntry[],
): Map<string, { model: string; hour: string; minutes: MinuteAggregate[] }> {
  const groups = new Map<string, { model: string; hour: string; byKey: Map<string, MinuteAggregate> }>();
  for (const e of entries) {
    const minute = e.time.toISOString().slice(0, 16);
    const hour = minute.slice(0, 13);
    const groupKey = `${e.model}\n${hour}`;
    let group = groups.get(groupKey);
    if (!group) {
      group = { model: e.model, hour, byKey: new Map() };
      groups.set(groupKey, group);
    }
    const key = keyOf({ minute, version: e.version });
    let aggregate = group.byKey.get(key);
    if (!aggregate) {
      aggregate = emptyMinute(minute, e.version);
      group.byKey.set(key, aggregate);
    }
    aggregate.count += 1;
    aggregate.status[statusClass(e.status)] += 1;
    const bucket = bucketOf(e.latencyMs);
    aggregate.latencyBuckets[bucket] = (aggregate.latencyBuckets[bucket] ?? 0) + 1;
    aggregate.latencySumMs += e.latencyMs;
  }
  return new Map(
    [...groups].map(([k, g]) => [k, { model: g.model, hour: g.hour, minutes: [...g.byKey.values()] }]),
  );
}

/** Both files' minutes, counts added where minute and version meet; in minute then version order. */
export function mergeServing(hour: string, ...parts: readonly MinuteAggregate[][]): ServingFile {
  const byKey = new Map<string, MinuteAggregate>();
  for (const minutes of parts) {
    for (const m of minutes) {
      const key = keyOf(m);
      let into = byKey.get(key);
      if (!into) {
        into = emptyMinute(m.minute, m.version);
        byKey.set(key, into);
      }
      addMinute(into, m);
    }
  }
  const minutes = [...byKey.values()].sort((a, b) =>
    keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0,
  );
  return { format: SERVING_FORMAT, hour, latencyBucketsMs: LATENCY_BUCKETS_MS, minutes };
}

/**
 * The hour's file per model, merged with what is on disk and rewritten whole
 * (atomically) on each flush, as the hourly profiles are: a restarted server
 * adds to what its predecessor wrote.
 */
export class HourlyServing {
  private readonly latest = new Map<string, ServingFile>();

  private async existing(dir: string, hour: string): Promise<MinuteAggregate[]> {
    const known = this.latest.get(dir);
    if (known?.hour === hour) return known.minutes;
    try {
      const parsed = JSON.parse(
        await readFile(join(dir, servingFileName(hour)), 'utf8'),
      ) as Partial<ServingFile>;
      return parsed.format === SERVING_FORMAT && Array.isArray(parsed.minutes) ? parsed.minutes : [];
    } catch {
      // None yet (or unreadable, as a missing hourly profile is): the hour starts afresh.
      return [];
    }
  }

  async add(dir: string, hour: string, minutes: readonly MinuteAggregate[]): Promise<void> {
    const merged = mergeServing(hour, await this.existing(dir, hour), [...minutes]);
    await writeFileAtomic(join(dir, servingFileName(hour)), `${JSON.stringify(merged)}\n`);
    const known = this.latest.get(dir);
    if (!known || known.hour <= hour) this.latest.set(dir, merged);
  }
}
