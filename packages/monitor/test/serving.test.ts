import { describe, expect, it } from 'vitest';
import { expectUserError, useDatabase, useTempDir } from '../../core/test/fixtures.js';
import type { Chunk } from '../src/chunks/chunk.js';
import { servingSeries } from '../src/index.js';

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
    const broken = await tmp.write('requests-broken.jsonl', '{"time": "not a time", "status": 200');
    await expectUserError(
      () => servingSeries(db(), [broken], [hour(0)]),
      /requests-broken\.jsonl: cannot read the server's request log/,
    );
  });
});
