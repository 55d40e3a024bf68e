import { quoteLiteral } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { useDatabase, useTempDir } from '../../core/test/fixtures.js';
import { predictBatch } from '../src/index.js';
import { PENGUINS, trainedModel } from './batch-fixtures.js';

const db = useDatabase();
const temp = useTempDir('batch-memory');
const CHUNK_ROWS = 5_000;

/** Penguins repeated to `rows` rows, as Parquet. */
async function repeated(name: string, rows: number): Promise<string> {
  const path = temp.path(name);
  await db().run(
    `COPY (SELECT p.* FROM range(${Math.ceil(rows / 344)}) r, ${quoteLiteral(PENGUINS)} p LIMIT ${rows}) TO ${quoteLiteral(path)} (FORMAT parquet)`,
  );
  return path;
}

/** The highest resident set size seen while `work` runs, above where it started. */
async function peakGrowth(work: () => Promise<unknown>): Promise<number> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().rss) - start;
}

describe('predictBatch memory', () => {
  it('stays flat from 40x to 160x the chunk size', async () => {
    const model = await trainedModel(db(), temp.path('model'), 'classifier');
    const small = await repeated('small.parquet', 200_000);
    const large = await repeated('large.parquet', 800_000);
    const run = (input: string, output: string) =>
      predictBatch(db(), {
        model: { bytes: model.bytes, label: 'penguins', spec: model.spec },
        input: { path: input },
        output: temp.path(output),
        ids: ['Species'],
        workers: 1,
        chunkRows: CHUNK_ROWS,
      });
    // Warm up allocators, onnxruntime and DuckDB's buffers so the small run measures a steady state.
    await run(small, 'warm.csv');
    const smallGrowth = await peakGrowth(() => run(small, 'small-out.csv'));
    const largeGrowth = await peakGrowth(async () => {
      const result = await run(large, 'large-out.csv');
      expect(result.scored).toBe(800_000);
    });
    const MB = 1024 * 1024;
    // Garbage collected late makes the peak creep (up to ~50 MB seen on CI); holding the extra 600,000
    // rows of input or output would add over 120 MB (over 200 bytes a row in JS, a DuckDB table growing
    // by the row).
    expect(largeGrowth).toBeLessThan(smallGrowth + 72 * MB);
    expect(largeGrowth).toBeLessThan(200 * MB);
  });
});
