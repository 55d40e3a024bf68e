import { describe, expect, it } from 'vitest';
import { expectUserError, useDatabase, useTempDir } from '../../core/test/fixtures.js';
import type { Chunk } from '../src/chunks/chunk.js';
import {
  histogramQuantile,
  logServingSeries,
  servingSeries,
  servingSeriesFromAggregates,
} from '../src/index.js';

const hour = (h: number): Chunk => ({
  index: h,
  label: `h${h}`,
  start: new Date(Date.UTC(2026, 0, 1, h)).toISOString(),
  end: new Date(Date.UTC(2026, 0, 1, h + 1)).toISOString(),
  rows: 100,
  tooSmall: false,
});
const at = (h: number, minute: number) => new Date(Date.UTC(2026, 0, 1, h, minute)).toISOString();

/** Request log lines as the server writes them. */
const lines = (requests: { time: string; status: number; latency_ms: number }[]) =>
  requests
    .map((r) => JSON.stringify({ ...r, request_id: 'r', model: 'm', version: 'v1', rows: 1 }))
    .join('\n');

describe('servingSeries', () => {
  const db = useDatabase();
  const tmp = useTempDir('serving');

  it('gives each time chunk its nearest-rank p99 latency and its share of 5xx answers', async () => {
    // hour 0: 100 requests of 1..100 ms, one 500 and one 429 (a refusal, not a failure), over two files
    const hour0 = Array.from({ length: 100 }, (_, i) => ({
      time: at(0, i % 60),
      status: i === 7 ? 500 : i === 8 ? 429 : 200,
      latency_ms: i + 1,
    }));
    const files = [
      await tmp.write('requests-2026-01-01T00Z.jsonl', lines(hour0.slice(0, 50))),
      await tmp.write(
        'requests-2026-01-01T01Z.jsonl',
        lines([
          ...hour0.slice(50),
          { time: at(1, 30), status: 503, latency_ms: 2 },
          { time: at(1, 31), status: 200, latency_ms: 4 },
          { time: at(5, 0), status: 200, latency_ms: 1 }, // outside every chunk
        ]),
      ),
    ];
    expect(await servingSeries(db(), files, [hour(0), hour(1), hour(2)])).toEqual({
      latencyP99: [99, 4, null],
      errorRate: [0.01, 0.5, null],
      requests: [100, 2, 0],
    });
    // Ten requests: the nearest rank of p99 is the 10th (an interpolating quantile would give less).
    const ten = await tmp.write(
      'requests-ten.jsonl',
      lines(
        Array.from({ length: 10 }, (_, i) => ({ time: at(3, i), status: 200, latency_ms: (i + 1) * 10 })),
      ),
    );
    expect((await servingSeries(db(), [ten], [hour(3)]))?.latencyP99).toEqual([100]);
  });

  it('has no series for chunks without a period, no files, or no request in any chunk', async () => {
    const file = await tmp.write(
      'requests-one.jsonl',
      lines([{ time: at(0, 1), status: 200, latency_ms: 1 }]),
    );
    const byRows: Chunk = { ...hour(0), start: null, end: null };
    expect(await servingSeries(db(), [file], [byRows])).toBeNull();
    expect(await servingSeries(db(), [], [hour(0)])).toBeNull();
    expect(await servingSeries(db(), [file], [hour(7)])).toBeNull();
  });

  it('names the log it cannot read', async () => {
    const broken = await tmp.write('requests-broken.jsonl', '{"time": "not a time", "status": 200}\n');
    await expectUserError(
      () => servingSeries(db(), [broken], [hour(0)]),
      /requests-broken\.jsonl: cannot read the server's request log/,
    );
  });
});

describe('servingSeriesFromAggregates', () => {
  const db = useDatabase();
  const tmp = useTempDir('serving-aggregates');
  const BOUNDS = [0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];
  const minute = (h: number, m: number, count: number, errors: number, bucket: number, version = 'v1') => ({
    minute: at(h, m).slice(0, 16),
    version,
    count,
    status: { '1xx': 0, '2xx': count - errors, '3xx': 0, '4xx': 0, '5xx': errors },
    latencyBuckets: BOUNDS.map((_, i) => (i === bucket ? count : 0)).concat([0]),
    latencySumMs: 0,
  });
  const file = (name: string, minutes: unknown[]) =>
    tmp.write(
      name,
      JSON.stringify({
        format: 'modelgate.serving/1',
        hour: name.slice(8, 21),
        latencyBucketsMs: BOUNDS,
        minutes,
      }),
    );

  it('reads p99 off the buckets as Prometheus does, linear inside the bucket', () => {
    expect(histogramQuantile(0.99, [1, 2, 4], [10, 80, 9, 1])).toBe(4);
    expect(histogramQuantile(0.5, [1, 2, 4], [10, 80, 9, 1])).toBe(1.5);
    expect(histogramQuantile(0.99, [1, 2, 4], [0, 0, 0, 5])).toBe(4);
    expect(histogramQuantile(0.99, [1, 2, 4], [0, 0, 0, 0])).toBeNull();
  });

  it('places each minute in its chunk, over versions and files, and is what a prediction log is read by', async () => {
    const files = [
      await file('serving-2026-01-01T00Z.json', [
        minute(0, 1, 90, 0, 3),
        minute(0, 1, 9, 1, 6, 'v2'),
        minute(0, 59, 1, 0, 12),
      ]),
      await file('serving-2026-01-01T01Z.json', [minute(1, 0, 10, 5, 0)]),
    ];
    const series = await servingSeriesFromAggregates(files, [hour(0), hour(1), hour(2)]);
    // hour 0: 100 requests, the 99th in the 25–50 ms bucket (90 below it, 9 in it): 25 + 25·9/9;
    // hour 1: 10 in the 0–0.5 ms bucket: 0.5·9.9/10
    expect(series).toEqual({
      latencyP99: [50, 0.495, null],
      errorRate: [0.01, 0.5, null],
      requests: [100, 10, 0],
    });
    const lines = await tmp.write('requests-2026-01-01T00Z.jsonl', lines0());
    expect(await logServingSeries(db(), { serving: files, requests: [lines] }, [hour(0)])).toMatchObject({
      requests: [100],
    });
    expect(await logServingSeries(db(), { serving: [], requests: [lines] }, [hour(0)])).toMatchObject({
      requests: [1],
    });
  });

  it('names a serving file cut short or of another format, in one line', async () => {
    const cut = await tmp.write('serving-2026-01-01T02Z.json', '{"format": "modelgate.serving/1", "minu');
    await expectUserError(servingSeriesFromAggregates([cut], [hour(2)]), /invalid JSON/);
    const other = await tmp.write('serving-2026-01-01T03Z.json', '{"format": "other"}');
    await expectUserError(servingSeriesFromAggregates([other], [hour(3)]), /not a serving aggregate file/);
  });
});

function lines0(): string {
  return JSON.stringify({
    time: at(0, 5),
    status: 200,
    latency_ms: 3,
    request_id: 'r',
    model: 'm',
    version: 'v1',
    rows: 1,
  });
}
