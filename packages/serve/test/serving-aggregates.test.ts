import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import {
  createPredictionLog,
  LATENCY_BUCKETS_MS,
  type RequestLogEntry,
  type ServingFile,
  servingFileName,
} from '../src/prediction-log/index.js';

const temp = useTempDir('serving-aggregates');
const START = Date.parse('2026-11-26T07:58:00Z');

/** 10,000 answered requests over four minutes across an hour boundary, two versions, 1% 5xx, 2% 4xx. */
function requests(): RequestLogEntry[] {
  return Array.from({ length: 10_000 }, (_, i) => ({
    time: new Date(START + i * 24),
    requestId: `r${i}`,
    model: 'm',
    version: i % 4 === 0 ? 'v2' : 'v1',
    status: i % 100 === 0 ? 503 : i % 50 === 1 ? 400 : 200,
    latencyMs: (i % 97) * 0.37,
    rows: 1,
  }));
}

async function servingOf(dir: string, hour: string): Promise<ServingFile> {
  return JSON.parse(await readFile(join(dir, 'm', servingFileName(hour)), 'utf8')) as ServingFile;
}

describe('per-minute request aggregates', () => {
  it('record 10,000 requests as a few kilobytes, counts and latency buckets exact, merged across flushes', async () => {
    const dir = temp.path('aggregates');
    const log = createPredictionLog({ dir, requestLines: 0, flushIntervalMs: 60_000 });
    const all = requests();
    for (const e of all.slice(0, 6000)) log.request?.(e);
    await log.flush();
    for (const e of all.slice(6000)) log.request?.(e);
    await log.close();

    const names = (await readdir(join(dir, 'm'))).sort();
    expect(names).toEqual([servingFileName('2026-11-26T07'), servingFileName('2026-11-26T08')]);
    const files = [await servingOf(dir, '2026-11-26T07'), await servingOf(dir, '2026-11-26T08')];
    const bytes =
      (await stat(join(dir, 'm', names[0] as string))).size +
      (await stat(join(dir, 'm', names[1] as string))).size;
    expect(bytes).toBeLessThan(8_000);

    const minutes = files.flatMap((f) => f.minutes);
    expect(minutes.map((m) => `${m.minute} ${m.version}`)).toEqual([
      '2026-11-26T07:58 v1',
      '2026-11-26T07:58 v2',
      '2026-11-26T07:59 v1',
      '2026-11-26T07:59 v2',
      '2026-11-26T08:00 v1',
      '2026-11-26T08:00 v2',
      '2026-11-26T08:01 v1',
      '2026-11-26T08:01 v2',
    ]);
    const expected = new Map<
      string,
      { count: number; s5: number; s4: number; buckets: number[]; sum: number }
    >();
    for (const e of all) {
      const key = `${e.time.toISOString().slice(0, 16)} ${e.version}`;
      const m = expected.get(key) ?? { count: 0, s5: 0, s4: 0, buckets: new Array(14).fill(0), sum: 0 };
      m.count++;
      if (e.status >= 500) m.s5++;
      if (e.status >= 400 && e.status < 500) m.s4++;
      const b = LATENCY_BUCKETS_MS.findIndex((u) => e.latencyMs <= u);
      m.buckets[b === -1 ? 13 : b]++;
      m.sum += e.latencyMs;
      expected.set(key, m);
    }
    for (const m of minutes) {
      const want = expected.get(`${m.minute} ${m.version}`);
      expect(m.count).toBe(want?.count);
      expect(m.status['5xx']).toBe(want?.s5);
      expect(m.status['4xx']).toBe(want?.s4);
      expect(m.status['2xx']).toBe((want?.count ?? 0) - (want?.s5 ?? 0) - (want?.s4 ?? 0));
      expect(m.latencyBuckets).toEqual(want?.buckets);
      expect(m.latencySumMs).toBeCloseTo(want?.sum ?? 0, 6);
    }
    expect(minutes.reduce((n, m) => n + m.count, 0)).toBe(10_000);
    expect(files[0]?.latencyBucketsMs).toEqual([...LATENCY_BUCKETS_MS]);
  });

  it('a restarted log adds to the hour on disk; request lines are written for the sampled share', async () => {
    const dir = temp.path('restart');
    const all = requests().slice(0, 2000);
    for (const part of [all.slice(0, 1000), all.slice(1000)]) {
      const log = createPredictionLog({ dir, requestLines: 0.1 });
      for (const e of part) log.request?.(e);
      await log.close();
    }
    const hour = await servingOf(dir, '2026-11-26T07');
    expect(hour.minutes.reduce((n, m) => n + m.count, 0)).toBe(2000);
    const lines = (await readFile(join(dir, 'm', 'requests-2026-11-26T07Z.jsonl'), 'utf8'))
      .trim()
      .split('\n');
    expect(lines.length).toBeGreaterThan(100);
    expect(lines.length).toBeLessThan(300);
  });
});
