import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readProfile } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import {
  createPredictionLog,
  listPredictionLog,
  type PredictionLogEntry,
} from '../src/prediction-log/index.js';
import { ShadowLinesWriter } from '../src/server/shadow/shadow-lines-writer.js';

const temp = useTempDir('prediction-log-shadow');
const TIME = new Date('2026-11-26T07:59:59.900Z');

function entry(requestId: string, extra: Partial<PredictionLogEntry>): PredictionLogEntry {
  return {
    time: TIME,
    requestId,
    model: 'm',
    version: 'v1',
    rows: 2,
    inputs: { x: [1, 2] },
    outputs: { label: ['a', 'b'] },
    ...extra,
  };
}

const bytes = (text: string) => new TextEncoder().encode(text);

/** A shadow's log line, as its process writes it. */
const line = (id: string) => `${JSON.stringify({ request_id: id, role: 'shadow', row: 0 })}\n`;

const lines = async (file: string) =>
  (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Model m's shadow files of the hour, each checked to be within maxFileBytes: how many, and the request ids in them in order. */
async function shadowFiles(dir: string, hour: string, maxFileBytes: number) {
  const files = (await listPredictionLog(dir, 'm')).find((h) => h.hour === hour)?.shadow ?? [];
  const written: unknown[] = [];
  for (const file of files) {
    expect((await readFile(file)).byteLength).toBeLessThanOrEqual(maxFileBytes);
    written.push(...(await lines(file)).map((l) => l.request_id));
  }
  return { files: files.length, written };
}

describe('prediction log: shadow entries', () => {
  it('writes a shadow’s rows to shadow-<hour>Z.jsonl under the production model, unprofiled', async () => {
    const dir = temp.path('roles');
    const errors: unknown[] = [];
    const log = createPredictionLog({ dir, onError: (err) => errors.push(err) });
    log.record(entry('r1', { role: 'production' }));
    log.record(
      entry('r1', { model: 'challenger', version: 'v7', role: 'shadow', shadowOf: 'm', latencyMs: 1.23456 }),
    );
    // A shadow entry that cannot say whose it is, or an unknown role, is dropped and counted.
    log.record(entry('r2', { role: 'shadow' }));
    log.record(entry('r3', { role: 'canary' as never }));
    await log.close();
    expect(log.stats()).toMatchObject({ writtenRows: 4, droppedRequests: 2 });
    expect(String(errors[0])).toMatch(/a shadow entry needs shadowOf/);
    expect(String(errors[1])).toMatch(/role canary: expected production or shadow/);

    const [hour] = await listPredictionLog(dir, 'm');
    expect(hour?.predictions).toEqual([join(dir, 'm', 'predictions-2026-11-26T07Z.jsonl')]);
    expect(hour?.shadow).toEqual([join(dir, 'm', 'shadow-2026-11-26T07Z.jsonl')]);
    expect((await lines(hour?.predictions[0] ?? '')).map((l) => [l.request_id, l.role, l.row])).toEqual([
      ['r1', 'production', 0],
      ['r1', 'production', 1],
    ]);
    expect(await lines(hour?.shadow[0] ?? '')).toEqual(
      [0, 1].map((row) => ({
        time: TIME.toISOString(),
        request_id: 'r1',
        model: 'challenger',
        version: 'v7',
        role: 'shadow',
        row,
        inputs: { x: row + 1 },
        outputs: { label: row === 0 ? 'a' : 'b' },
        latency_ms: 1.235,
      })),
    );
    expect((await readProfile(hour?.profile ?? '')).rows).toBe(2);
    await expect(listPredictionLog(dir, 'challenger')).rejects.toThrow(
      /no prediction log for model 'challenger'/,
    );
  });

  it('appends a shadow worker’s ready lines as they are, refusing an hour that is not an hour key', async () => {
    const dir = temp.path('ready-lines');
    const errors: unknown[] = [];
    const log = createPredictionLog({ dir, onError: (err) => errors.push(err) });
    log.recordShadowLines?.({
      shadowOf: 'm',
      hour: '2026-11-26T07',
      requests: 2,
      rows: 2,
      data: bytes(line('a') + line('b')),
    });
    log.recordShadowLines?.({
      shadowOf: 'm',
      hour: '../../escape',
      requests: 1,
      rows: 1,
      data: bytes(line('c')),
    });
    await log.close();
    expect(log.stats()).toMatchObject({ requests: 3, writtenRows: 2, droppedRequests: 1 });
    expect(String(errors[0])).toMatch(/hour '..\/..\/escape' is not an hour key/);
    expect(await lines(join(dir, 'm', 'shadow-2026-11-26T07Z.jsonl'))).toEqual([
      { request_id: 'a', role: 'shadow', row: 0 },
      { request_id: 'b', role: 'shadow', row: 0 },
    ]);
  });

  it('refuses shadow lines torn off mid-line, and rolls files over between lines of a block', async () => {
    const dir = temp.path('shadow-rollover');
    const errors: unknown[] = [];
    const maxFileBytes = 100;
    const log = createPredictionLog({ dir, maxFileBytes, onError: (err) => errors.push(err) });
    const ids = Array.from({ length: 12 }, (_, i) => `r${i}`);
    const hour = '2026-11-26T07';
    // Two blocks of six lines each, 40-odd bytes a line: each block is past one file's size.
    for (const half of [ids.slice(0, 6), ids.slice(6)]) {
      const text = half.map(line).join('');
      log.recordShadowLines?.({
        shadowOf: 'm',
        hour,
        requests: half.length,
        rows: half.length,
        data: bytes(text),
      });
    }
    log.recordShadowLines?.({
      shadowOf: 'm',
      hour,
      requests: 1,
      rows: 1,
      data: bytes(line('torn').slice(0, -5)),
    });
    await log.close();
    expect(String(errors[0])).toMatch(/shadow lines that do not end with a newline/);
    expect(log.stats()).toMatchObject({ writtenRows: 12, droppedRequests: 1 });
    const { files, written } = await shadowFiles(dir, hour, maxFileBytes);
    expect(files).toBeGreaterThan(2);
    expect(written).toEqual(ids);
  });

  it('rolls files over by their size on disk while shadow processes append beside the log', async () => {
    const dir = temp.path('shadow-shared');
    const maxFileBytes = 100;
    const log = createPredictionLog({ dir, maxFileBytes });
    const target = log.shadowLinesFiles;
    expect(target).toEqual({ dir, maxFileBytes });
    if (!target) return;
    // Two shadow processes' writers and the log itself, taking turns on the same hour's files.
    const writers = [new ShadowLinesWriter(target), new ShadowLinesWriter(target)];
    const hour = '2026-11-26T07';
    const ids = Array.from({ length: 12 }, (_, i) => `r${i}`);
    for (const [i, id] of ids.entries()) {
      const group = { shadowOf: 'm', hour, requests: 1, rows: 1, data: bytes(line(id)) };
      const writer = writers[i % 3];
      if (writer) {
        expect(await writer.write([group])).toBeUndefined();
      } else {
        log.recordShadowLines?.(group);
        await log.flush();
      }
    }
    const refused = await writers[0]?.write([
      { shadowOf: '..', hour, requests: 1, rows: 3, data: bytes('') },
    ]);
    expect(refused).toBe(
      "prediction log: 3 shadow rows not written: model name '..' cannot name a directory",
    );
    await log.close();
    const { files, written } = await shadowFiles(dir, hour, maxFileBytes);
    expect(files).toBeGreaterThanOrEqual(ids.length / 2);
    expect(written).toEqual(ids);
  });

  it('goes on in the next file where a shadow process died mid-line, so no line is glued to the cut one', async () => {
    const dir = temp.path('shadow-torn');
    const log = createPredictionLog({ dir });
    const target = log.shadowLinesFiles;
    if (!target) throw new Error('a file log offers its files to the shadows');
    const [alive, dying] = [new ShadowLinesWriter(target), new ShadowLinesWriter(target)];
    const hour = '2026-11-26T07';
    const group = (id: string) => ({
      shadowOf: 'm',
      hour,
      requests: 1,
      rows: 1,
      data: bytes(line(id)),
    });
    expect(await alive.write([group('a')])).toBeUndefined();
    expect(await dying.write([group('b')])).toBeUndefined();
    // The second process dies in the middle of its next write: the file ends in half a line.
    const first = join(dir, 'm', 'shadow-2026-11-26T07Z.jsonl');
    await appendFile(first, '{"request_id":"c","ro');
    expect(await alive.write([group('d')])).toBeUndefined();
    await log.close();
    expect(await readFile(first, 'utf8')).toMatch(/"b".*\n\{"request_id":"c","ro$/);
    expect(await lines(join(dir, 'm', 'shadow-2026-11-26T07Z-1.jsonl'))).toEqual([
      { request_id: 'd', role: 'shadow', row: 0 },
    ]);
  });
});
