import { describe, expect, it } from 'vitest';
import type { Chunk } from '../src/chunks/chunk.js';
import { type ServedRequest, servingSeries } from '../src/index.js';

const hour = (h: number): Chunk => ({
  index: h,
  label: `h${h}`,
  start: new Date(Date.UTC(2026, 0, 1, h)).toISOString(),
  end: new Date(Date.UTC(2026, 0, 1, h + 1)).toISOString(),
  rows: 100,
  tooSmall: false,
});
const at = (h: number, minute: number) => Date.UTC(2026, 0, 1, h, minute);

describe('servingSeries', () => {
  it('gives each time chunk its nearest-rank p99 latency and its share of 5xx answers', () => {
    const requests: ServedRequest[] = [
      // hour 0: 100 requests of 1..100 ms, one 500 and one 429 (a refusal, not a failure)
      ...Array.from({ length: 100 }, (_, i) => ({
        time: at(0, i % 60),
        status: i === 7 ? 500 : i === 8 ? 429 : 200,
        latencyMs: i + 1,
      })),
      { time: at(1, 30), status: 503, latencyMs: 2 },
      { time: at(1, 31), status: 200, latencyMs: 4 },
      { time: at(5, 0), status: 200, latencyMs: 1 }, // outside every chunk
    ];
    const series = servingSeries(requests, [hour(0), hour(1), hour(2)]);
    expect(series).toEqual({
      latencyP99: [99, 4, null],
      errorRate: [0.01, 0.5, null],
      requests: [100, 2, 0],
    });
  });

  it('has no series for chunks without a period, or without requests', () => {
    const byRows: Chunk = { ...hour(0), start: null, end: null };
    expect(servingSeries([{ time: at(0, 1), status: 200, latencyMs: 1 }], [byRows])).toBeNull();
    expect(servingSeries([], [hour(0)])).toBeNull();
  });
});
