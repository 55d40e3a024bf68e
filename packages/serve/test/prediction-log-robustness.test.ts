import { readdir, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import {
  createPredictionLog,
  listPredictionLog,
  type PredictionLogEntry,
} from '../src/prediction-log/index.js';

const temp = useTempDir('prediction-log-robustness');
const TIME = new Date('2026-11-26T07:15:00Z');

function entry(requestId: string, rows: number): PredictionLogEntry {
  return {
    time: TIME,
    requestId,
    model: 'm',
    version: 'v1',
    rows,
    inputs: { x: Float64Array.from({ length: rows }, (_, i) => i + 0.5) },
    outputs: { label: Array.from({ length: rows }, () => 'Adelie') },
  };
}

describe('prediction log after a crash', () => {
  it('a restarted server goes on in the next file when its predecessor left a torn last line', async () => {
    const dir = temp.path('restart');
    const first = createPredictionLog({ dir });
    first.record(entry('before', 3));
    await first.close();
    const [written] = await listPredictionLog(dir, 'm');
    const torn = written?.predictions[0] as string;
    const text = await readFile(torn, 'utf8');
    // Killed mid-write: the last line is cut in half.
    const lastStart = text.lastIndexOf('\n', text.length - 2) + 1;
    await truncate(torn, lastStart + Math.floor((text.length - lastStart) / 2));

    const second = createPredictionLog({ dir });
    second.record(entry('after', 2));
    await second.close();

    const [hour] = await listPredictionLog(dir, 'm');
    expect(hour?.predictions).toEqual([torn, join(dir, 'm', 'predictions-2026-11-26T07Z-1.jsonl')]);
    const lines = await Promise.all(
      (hour?.predictions ?? []).map(async (f) => (await readFile(f, 'utf8')).split('\n')),
    );
    // The torn line is still the last of its file (what readers skip); every other line is whole.
    expect(lines[0]?.slice(0, 2).map((l) => (JSON.parse(l) as { request_id: string }).request_id)).toEqual([
      'before',
      'before',
    ]);
    expect(() => JSON.parse(lines[0]?.[2] as string)).toThrow();
    expect(
      lines[1]?.filter(Boolean).map((l) => (JSON.parse(l) as { request_id: string }).request_id),
    ).toEqual(['after', 'after']);
    expect((await readdir(join(dir, 'm'))).filter((f) => f.endsWith('.jsonl'))).toHaveLength(2);
  });

  it('a restarted server appends to the hour file its predecessor closed cleanly', async () => {
    const dir = temp.path('clean');
    for (const id of ['one', 'two']) {
      const log = createPredictionLog({ dir });
      log.record(entry(id, 1));
      await log.close();
    }
    const [hour] = await listPredictionLog(dir, 'm');
    expect(hour?.predictions).toEqual([join(dir, 'm', 'predictions-2026-11-26T07Z.jsonl')]);
  });
});
