import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type ColumnKind, type DataProfile, loadDataset, profileDataset, readProfile } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useDatabase, useTempDir } from '../../core/test/fixtures.js';
import {
  createPredictionLog,
  listPredictionLog,
  type PredictionLogEntry,
} from '../src/prediction-log/index.js';
import { readJsonLines } from './server-fixture.js';

const temp = useTempDir('prediction-log');
const db = useDatabase();
const HOUR = new Date('2026-11-26T07:15:00Z');

interface LoggedLine {
  time: string;
  request_id: string;
  model: string;
  version: string;
  row: number;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

function entry(requestId: string, rows: number, time = HOUR, model = 'm'): PredictionLogEntry {
  const x = Float32Array.from({ length: rows }, (_, i) => i + 0.5);
  return {
    time,
    requestId,
    model,
    version: 'v1',
    rows,
    inputs: { x, island: Array.from({ length: rows }, (_, i) => (i % 2 ? 'Dream' : 'Biscoe')) },
    outputs: { label: Array.from({ length: rows }, () => 'Adelie') },
  };
}

async function loggedRequestIds(dir: string, model = 'm'): Promise<Set<string>> {
  const hours = await listPredictionLog(dir, model);
  const lines = await readJsonLines<LoggedLine>(hours.flatMap((h) => h.predictions));
  return new Set(lines.map((l) => l.request_id));
}

describe('prediction log', () => {
  it('writes one JSON line per row with the request, model, version, inputs and outputs', async () => {
    const dir = temp.path('lines');
    const log = createPredictionLog({ dir });
    log.record(entry('req-1', 3));
    await log.close();
    const [hour] = await listPredictionLog(dir, 'm');
    expect(hour?.hour).toBe('2026-11-26T07');
    expect(hour?.predictions).toEqual([join(dir, 'm', 'predictions-2026-11-26T07Z.jsonl')]);
    expect(hour?.profile).toBe(join(dir, 'm', 'profile-2026-11-26T07Z.json'));
    const lines = await readJsonLines<LoggedLine>(hour?.predictions ?? []);
    expect(lines).toEqual(
      [0, 1, 2].map((row) => ({
        time: '2026-11-26T07:15:00.000Z',
        request_id: 'req-1',
        model: 'm',
        version: 'v1',
        row,
        inputs: { x: row + 0.5, island: row % 2 ? 'Dream' : 'Biscoe' },
        outputs: { label: 'Adelie' },
      })),
    );
  });

  it('samples whole requests, deterministically for a seed', async () => {
    const run = async (name: string, seed: number) => {
      const dir = temp.path(name);
      const log = createPredictionLog({ dir, sampleRate: 0.25, seed });
      for (let i = 0; i < 2000; i++) log.record(entry(`r${i}`, 2));
      await log.close();
      const stats = log.stats();
      const ids = await loggedRequestIds(dir);
      expect(stats.sampledOut + ids.size).toBe(2000);
      expect(stats.writtenRows).toBe(ids.size * 2);
      return ids;
    };
    const a = await run('sample-a', 1);
    const again = await run('sample-b', 1);
    const other = await run('sample-c', 2);
    expect(a.size).toBeGreaterThan(400);
    expect(a.size).toBeLessThan(600);
    expect([...again]).toEqual([...a]);
    expect([...other]).not.toEqual([...a]);
  });

  it('answers accepts() as record() would sample, counting the refused requests once', async () => {
    const dir = temp.path('accepts');
    const log = createPredictionLog({ dir, sampleRate: 0.25, seed: 1 });
    // As the server calls it: record() only for the requests accepts() keeps.
    for (let i = 0; i < 2000; i++) if (log.accepts?.(`r${i}`)) log.record(entry(`r${i}`, 2));
    await log.close();
    const ids = await loggedRequestIds(dir);
    const all = createPredictionLog({ dir: temp.path('accepts-all'), sampleRate: 0.25, seed: 1 });
    for (let i = 0; i < 2000; i++) all.record(entry(`r${i}`, 2));
    await all.close();
    expect(ids).toEqual(await loggedRequestIds(temp.path('accepts-all')));
    expect(ids.size).toBeGreaterThan(400);
    expect(log.stats()).toMatchObject({ requests: 2000, sampledOut: 2000 - ids.size });
  });

  it('rotates by hour and by size, and a restart appends to the hour it left', async () => {
    const dir = temp.path('rotate');
    const maxFileBytes = 2000;
    const first = createPredictionLog({ dir, maxFileBytes, flushIntervalMs: 3_600_000 });
    for (let i = 0; i < 40; i++) first.record(entry(`a${i}`, 2));
    first.record(entry('next-hour', 2, new Date('2026-11-26T08:00:00Z')));
    await first.close();
    const second = createPredictionLog({ dir, maxFileBytes, flushIntervalMs: 3_600_000 });
    for (let i = 0; i < 10; i++) second.record(entry(`b${i}`, 2));
    await second.close();

    const hours = await listPredictionLog(dir, 'm');
    expect(hours.map((h) => h.hour)).toEqual(['2026-11-26T07', '2026-11-26T08']);
    const seven = hours[0]?.predictions ?? [];
    expect(seven.length).toBeGreaterThan(3);
    expect(seven.map((f) => f.split('/').pop())).toEqual(
      seven.map((_, i) => `predictions-2026-11-26T07Z${i === 0 ? '' : `-${i}`}.jsonl`),
    );
    for (const file of seven) expect((await stat(file)).size).toBeLessThanOrEqual(maxFileBytes);
    const lines = await readJsonLines<LoggedLine>(seven);
    expect(lines).toHaveLength(100);
    expect(lines.at(-1)?.request_id).toBe('b9');
    const profile = await readProfile(hours[0]?.profile ?? '');
    expect(profile.rows).toBe(100);
    expect((await readProfile(hours[1]?.profile ?? '')).rows).toBe(2);
  });

  it("merges each hour's profile so it equals core's profile of all the rows logged", async () => {
    const dir = temp.path('profile');
    const penguins = await loadDataset(db(), { path: dataset('penguins.json') }, { table: 'penguins' });
    const rows = await db().rows('SELECT * FROM penguins ORDER BY rowid');
    const names = penguins.columns.map((c) => c.name);
    const log = createPredictionLog({ dir, flushIntervalMs: 3_600_000 });
    let start = 0;
    for (const size of [1, 7, 50, 3, 100, 183]) {
      const slice = rows.slice(start, start + size);
      const inputs = Object.fromEntries(names.map((n) => [n, slice.map((r) => r[n] ?? null)]));
      log.record({
        time: HOUR,
        requestId: `p${start}`,
        model: 'penguins-species',
        version: 'v1',
        rows: slice.length,
        inputs,
        outputs: { label: slice.map((r) => r.Species ?? null), score: slice.map((_, i) => i / 10) },
      });
      start += size;
      await log.flush();
    }
    await log.close();
    expect(start).toBe(344);

    const [hour] = await listPredictionLog(dir, 'penguins-species');
    const merged = await readProfile(hour?.profile ?? '');
    const flat = names.map((n) => `inputs.${JSON.stringify(n)} AS ${JSON.stringify(n)}`).join(', ');
    const files = (hour?.predictions ?? []).map((f) => `'${f}'`).join(', ');
    await db().run(
      `CREATE OR REPLACE TEMP TABLE logged AS SELECT ${flat}, outputs.label AS label, outputs.score AS score FROM read_json([${files}], format = 'newline_delimited')`,
    );
    const kinds = new Map<string, ColumnKind>(penguins.columns.map((c) => [c.name, c.kind]));
    const columns = [...names, 'label', 'score'].map((name) => ({
      name,
      type: kinds.get(name) === 'numeric' || name === 'score' ? 'DOUBLE' : 'VARCHAR',
      kind: kinds.get(name) ?? (name === 'score' ? 'numeric' : 'categorical'),
    }));
    const whole = await profileDataset(db(), {
      table: 'logged',
      files: [],
      format: 'jsonl',
      columns,
      rowCount: 344,
    });
    expectSameMergeableParts(merged, whole);
    expect(merged.columns['Beak Length (mm)']?.nulls).toBe(2);
  });

  it('close() flushes what is buffered', async () => {
    const dir = temp.path('close');
    const log = createPredictionLog({ dir, flushIntervalMs: 3_600_000 });
    log.record(entry('only', 5));
    expect(log.stats().bufferedRows).toBe(5);
    expect(await readdir(temp.dir)).not.toContain('close');
    await log.close();
    expect(log.stats()).toMatchObject({ bufferedRows: 0, writtenRows: 5 });
    expect(await loggedRequestIds(dir)).toEqual(new Set(['only']));
    log.record(entry('late', 1));
    expect(log.stats().droppedRequests).toBe(1);
  });

  it('never throws from record(): unwritable directory, malformed entries, a full buffer', async () => {
    const file = await temp.write('not-a-dir', 'x');
    const errors: unknown[] = [];
    const log = createPredictionLog({
      dir: join(file, 'log'),
      maxBufferedRows: 10,
      flushIntervalMs: 3_600_000,
      onError: (err) => errors.push(err),
    });
    for (let i = 0; i < 5; i++) expect(() => log.record(entry(`r${i}`, 4))).not.toThrow();
    expect(() =>
      log.record({ ...entry('bad', 2), inputs: null } as unknown as PredictionLogEntry),
    ).not.toThrow();
    expect(() => log.record(null as unknown as PredictionLogEntry)).not.toThrow();
    expect(() => log.record({ ...entry('../escape', 1), model: '../escape' })).not.toThrow();
    await expect(log.close()).resolves.toBeUndefined();
    const stats = log.stats();
    expect(stats.droppedRows).toBe(12);
    expect(stats.droppedRequests).toBe(5);
    expect(stats.writtenRows).toBe(0);
    expect(stats.failedRows).toBe(9);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('logs every answered request, unsampled, with its status and latency, by model and hour', async () => {
    const dir = temp.path('requests');
    const log = createPredictionLog({ dir, sampleRate: 0, requestLines: 1 });
    log.request?.({
      time: HOUR,
      requestId: 'r1',
      model: 'm',
      version: 'v1',
      status: 200,
      latencyMs: 3.25,
      rows: 2,
    });
    log.request?.({ time: HOUR, model: 'm', version: null, status: 400, latencyMs: 0.5 });
    log.record(entry('r1', 2));
    await log.close();
    log.request?.({ time: HOUR, model: 'm', version: 'v1', status: 200, latencyMs: 1 });
    const files = await readdir(join(dir, 'm'));
    expect(files.sort()).toEqual(['requests-2026-11-26T07Z.jsonl', 'serving-2026-11-26T07Z.json']);
    const lines = (await readFile(join(dir, 'm', files[0] as string), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        time: HOUR.toISOString(),
        request_id: 'r1',
        model: 'm',
        version: 'v1',
        status: 200,
        latency_ms: 3.25,
        rows: 2,
      },
      {
        time: HOUR.toISOString(),
        request_id: null,
        model: 'm',
        version: null,
        status: 400,
        latency_ms: 0.5,
        rows: null,
      },
    ]);
    expect(log.stats()).toMatchObject({ loggedRequests: 2, droppedRequestLines: 1, sampledOut: 1 });
  });

  it('refuses a sample rate outside 0..1 when created', () => {
    expect(() => createPredictionLog({ dir: temp.dir, sampleRate: 1.5 })).toThrow(/sampleRate/);
  });
});

/** Counts, extremes, moments, sketches and category counts: what merging keeps exactly. */
function expectSameMergeableParts(merged: DataProfile, whole: DataProfile): void {
  expect(merged.rows).toBe(whole.rows);
  expect(Object.keys(merged.columns).sort()).toEqual(Object.keys(whole.columns).sort());
  for (const [name, column] of Object.entries(whole.columns)) {
    const got = merged.columns[name];
    expect(got?.kind, name).toBe(column.kind);
    expect(got?.count, name).toBe(column.count);
    expect(got?.nulls, name).toBe(column.nulls);
    if (got?.kind === 'numeric' && column.kind === 'numeric') {
      expect(got.stats.sketch, name).toEqual(column.stats.sketch);
      expect(got.stats.min, name).toBe(column.stats.min);
      expect(got.stats.max, name).toBe(column.stats.max);
      expect(got.stats.mean ?? 0, name).toBeCloseTo(column.stats.mean ?? 0, 9);
      expect(got.stats.std ?? 0, name).toBeCloseTo(column.stats.std ?? 0, 9);
      // Quantiles now come from the merged sketch: within its 1% accuracy (plus interpolation) of exact ones.
      const exact = column.stats.quantiles?.p50 ?? 0;
      expect(Math.abs((got.stats.quantiles?.p50 ?? 0) - exact), name).toBeLessThanOrEqual(
        0.02 * Math.abs(exact),
      );
    }
    if (got?.kind === 'categorical' && column.kind === 'categorical') {
      expect(got.categories, name).toEqual(column.categories);
      expect(got.other, name).toBe(column.other);
    }
  }
}
