import { readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readProfile } from '@modelgate/core';
import {
  createPredictionLog,
  listPredictionLog,
  type PredictionLogEntry,
  type PredictionLogOptions,
  type RequestLogEntry,
} from '@modelgate/serve';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/test/run-cli.js';
import { dataset } from '../../core/test/datasets.js';
import { useDatabase, useTempDir } from '../../core/test/fixtures.js';
import { compareShadow, findPredictionLog, type MonitorReport, renderCompareMarkdown } from '../src/index.js';

const tmp = useTempDir('log-leftovers');
const db = useDatabase();
const FEATURES = ['Beak Length (mm)', 'Flipper Length (mm)'] as const;
type Penguin = Record<string, number | string | null>;
let penguins: Penguin[];
let reference: string;

/** The reference profile of the penguins' two features, as `modelgate profile` writes it. */
beforeAll(async () => {
  const all = JSON.parse(await readFile(dataset('penguins.json'), 'utf8')) as Penguin[];
  penguins = all.filter((p) => FEATURES.every((f) => typeof p[f] === 'number'));
  const rows = penguins.map((p) => Object.fromEntries(FEATURES.map((f) => [f, p[f]])));
  await writeFile(tmp.path('reference.json'), JSON.stringify(rows));
  const profiled = await runCli(['profile', '--data', 'reference.json', '--out', 'reference'], {
    cwd: tmp.dir,
  });
  expect(profiled.code).toBe(0);
  reference = tmp.path('reference', 'profile.json');
});

const at = (hour: number, minute: number, ms = 0) => new Date(Date.UTC(2026, 10, 26, hour, minute, 0, ms));

/** A binary model's outputs for one penguin: it answers 'yes' from p ≥ 0.3 (not the argmax). */
function scored(p: Penguin): { probability: number; label: string } {
  const probability = Math.min(0.95, Math.max(0.05, ((p['Flipper Length (mm)'] as number) - 175) / 60));
  return { probability, label: probability >= 0.3 ? 'yes' : 'no' };
}

function entry(
  requestId: string,
  time: Date,
  rows: readonly Penguin[],
  extra: Partial<PredictionLogEntry> = {},
): PredictionLogEntry {
  const outputs = rows.map(scored);
  return {
    time,
    requestId,
    model: 'm',
    version: 'v1',
    rows: rows.length,
    inputs: Object.fromEntries(FEATURES.map((f) => [f, rows.map((r) => r[f])])),
    outputs: {
      label: outputs.map((o) => o.label),
      probability_no: outputs.map((o) => 1 - o.probability),
      probability_yes: outputs.map((o) => o.probability),
    },
    ...extra,
  };
}

/** A single-row request per penguin: `r<i>` at 07:<i>. */
const requestsOf = (rows: readonly Penguin[], extra: Partial<PredictionLogEntry> = {}) =>
  rows.map((p, i) => entry(`r${i}`, at(7, i), [p], extra));

/** The server's answer to each of requestsOf's requests, taking 10 + i ms. */
const answersTo = (rows: readonly Penguin[], failed = -1): RequestLogEntry[] =>
  rows.map((_, i) => ({
    time: at(7, i),
    requestId: `r${i}`,
    model: 'm',
    version: 'v1',
    status: i === failed ? 500 : 200,
    latencyMs: 10 + i,
    rows: 1,
  }));

/** Writes entries (and answered requests) with the real prediction log writer; the model's log folder. */
async function writeLog(
  name: string,
  entries: readonly PredictionLogEntry[],
  requests: readonly RequestLogEntry[] = [],
  options: Partial<PredictionLogOptions> = {},
): Promise<string> {
  const log = createPredictionLog({ dir: tmp.path(name), flushIntervalMs: 3_600_000, ...options });
  for (const e of entries) log.record(e);
  for (const r of requests) log.request?.(r);
  await log.close();
  return tmp.path(name, 'm');
}

/** Cuts the file's last line in the middle, as a server killed while writing leaves it. */
async function tearLastLine(file: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const lastStart = text.lastIndexOf('\n', text.length - 2) + 1;
  await truncate(file, lastStart + Math.floor((text.length - lastStart) / 2));
}

/** Runs `modelgate monitor` on the log, which must write its report; the report. */
async function monitor(current: string, out: string, extra: string[] = []): Promise<MonitorReport> {
  const run = await runCli(
    ['monitor', '--reference', reference, '--current', current, '--out', out, ...extra],
    { cwd: tmp.dir },
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBeLessThan(2);
  return JSON.parse(await readFile(tmp.path(out, 'monitor.json'), 'utf8')) as MonitorReport;
}

/** Removes the log's files whose name starts or ends as given (what an older server or a rotation leaves out). */
async function removeFiles(dir: string, matches: (name: string) => boolean): Promise<void> {
  for (const name of await readdir(dir)) if (matches(name)) await rm(join(dir, name));
}

describe('a torn last line in the request lines of a log without serving aggregates', () => {
  it('is skipped and counted like a torn prediction line; the latency and error series come from the rest', async () => {
    const rows = penguins.slice(0, 30);
    const dir = await writeLog('torn-requests', requestsOf(rows), answersTo(rows, 4), { requestLines: 1 });
    // An older log: no serving-<hour>Z.json, so monitor reads the request lines.
    await removeFiles(dir, (name) => name.startsWith('serving-'));
    await tearLastLine(join(dir, 'requests-2026-11-26T07Z.jsonl'));

    const written = await monitor(dir, 'torn-requests-out');
    expect(written.current.rows).toBe(30);
    expect(written.notes.map((n) => n.message)).toContainEqual(
      'prediction log: skipped 1 last line cut off mid-write (the server stopped while writing): requests-2026-11-26T07Z.jsonl line 30.',
    );
    // 29 requests of 10..38 ms: the nearest-rank p99 is the 29th; one of them a 500.
    const series = (name: string) => written.series.find((s) => s.name === name)?.values;
    expect(series('latency p99 (ms)')).toEqual([38]);
    expect(series('error rate')).toEqual([1 / 29]);
  });

  it('monitor --compare reads production latency from the rest too, and says what it skipped', async () => {
    const rows = penguins.slice(0, 10);
    const dir = await writeLog(
      'torn-requests-compare',
      [
        ...requestsOf(rows, { role: 'production' }),
        ...requestsOf(rows, { role: 'shadow', shadowOf: 'm', model: 'challenger', latencyMs: 5 }),
      ],
      answersTo(rows),
      { requestLines: 1 },
    );
    await removeFiles(dir, (name) => name.startsWith('serving-'));
    await tearLastLine(join(dir, 'requests-2026-11-26T07Z.jsonl'));
    const log = await findPredictionLog(dir);
    if (!log) throw new Error('no log written');
    const report = await compareShadow(db(), log);
    // No model given: the one the production lines name.
    expect(report.model).toBe('m');
    // The shadow is another model: the report names it beside its versions.
    expect(report.shadowModel).toBe('challenger');
    expect(renderCompareMarkdown(report)).toContain('production `v1`, shadow `v1` of `challenger`');
    expect(report.window.latency.production).toEqual({ requests: 9, p99Ms: 18, errorRate: 0 });
    expect(report.notes.map((n) => n.message)).toContainEqual(
      'prediction log: skipped 1 last line cut off mid-write (the server stopped while writing): requests-2026-11-26T07Z.jsonl line 10.',
    );
  });
});

describe('a corrupt hourly profile when the server restarts', () => {
  it('is set aside under a name that says so, reported through onError, and the hour starts afresh', async () => {
    const root = tmp.path('corrupt-profile');
    const profile = join(root, 'm', 'profile-2026-11-26T07Z.json');
    const restart = async (ids: string[], minute: number) => {
      const errors: unknown[] = [];
      const log = createPredictionLog({
        dir: root,
        flushIntervalMs: 3_600_000,
        onError: (e) => errors.push(e),
      });
      for (const [i, id] of ids.entries()) log.record(entry(id, at(7, minute + i), [penguins[i] as Penguin]));
      await log.close();
      return { errors: errors.map((e) => (e instanceof Error ? e.message : String(e))), stats: log.stats() };
    };
    const cut = async () => {
      const text = await readFile(profile, 'utf8');
      await writeFile(profile, text.slice(0, text.length / 2));
      return text.slice(0, text.length / 2);
    };

    expect((await restart(['a', 'b', 'c'], 0)).errors).toEqual([]);
    expect((await readProfile(profile)).rows).toBe(3);
    const firstDamage = await cut();
    const second = await restart(['d', 'e'], 10);
    expect(second.errors).toEqual([
      expect.stringMatching(
        /^prediction log: .*profile-2026-11-26T07Z\.json: invalid JSON: .*; set aside as profile-2026-11-26T07Z\.corrupt\.json, and the hour's profile starts afresh/,
      ),
    ]);
    expect(second.stats.failedProfiles).toBe(0);
    expect((await readProfile(profile)).rows).toBe(2);
    expect(await readFile(join(root, 'm', 'profile-2026-11-26T07Z.corrupt.json'), 'utf8')).toBe(firstDamage);

    // A second damaged profile of the hour never replaces the first one set aside.
    const secondDamage = await cut();
    expect((await restart(['f'], 20)).errors).toEqual([
      expect.stringContaining('set aside as profile-2026-11-26T07Z.corrupt-2.json'),
    ]);
    expect(await readFile(join(root, 'm', 'profile-2026-11-26T07Z.corrupt.json'), 'utf8')).toBe(firstDamage);
    expect(await readFile(join(root, 'm', 'profile-2026-11-26T07Z.corrupt-2.json'), 'utf8')).toBe(
      secondDamage,
    );
    expect((await readProfile(profile)).rows).toBe(1);
    const [hour] = await listPredictionLog(root, 'm');
    expect(hour?.setAsideProfiles).toEqual([
      join(root, 'm', 'profile-2026-11-26T07Z.corrupt.json'),
      join(root, 'm', 'profile-2026-11-26T07Z.corrupt-2.json'),
    ]);

    // Monitor reads the profiles (the JSONL rotated away) and says what was set aside.
    await removeFiles(join(root, 'm'), (name) => name.endsWith('.jsonl'));
    const written = await monitor(join(root, 'm'), 'corrupt-profile-out');
    expect(written.current.rows).toBe(1);
    expect(written.notes.map((n) => n.message)).toContainEqual(
      'prediction log: 2 hourly profiles the server could not read were set aside (profile-2026-11-26T07Z.corrupt-2.json, profile-2026-11-26T07Z.corrupt.json): their hours count only the rows logged after that.',
    );
  });
});

describe('a null predicted label in the log', () => {
  it('leaves only its row out of the labeled metrics; the other rows keep the label the client got', async () => {
    const rows = penguins.slice(0, 60);
    const entries = requestsOf(rows);
    const nulled = entries[7] as PredictionLogEntry;
    nulled.outputs = { ...nulled.outputs, label: [null] };
    const dir = await writeLog('null-label', entries);
    // The truth: 'yes' for the heavier half; the model's 'yes' above p = 0.3 often disagrees with its argmax.
    const truth = rows.map((p) => ((p['Flipper Length (mm)'] as number) >= 200 ? 'yes' : 'no'));
    await writeFile(
      tmp.path('null-label.csv'),
      `request_id,row,y\n${truth.map((y, i) => `r${i},0,${y}`).join('\n')}\n`,
    );
    const kept = rows.flatMap((p, i) => (i === 7 ? [] : [{ label: scored(p).label, y: truth[i] }]));
    const byLabel = kept.filter((r) => r.label === r.y).length / kept.length;
    const byArgmax =
      rows.filter((p, i) => (scored(p).probability > 0.5 ? 'yes' : 'no') === truth[i]).length / rows.length;
    expect(byLabel).not.toBeCloseTo(byArgmax, 3);

    const written = await monitor(dir, 'null-label-out', [
      '--labels',
      'null-label.csv',
      '--label-column',
      'y',
    ]);
    expect(written.performance?.window).toMatchObject({ rows: 60, labeled: 59, unscored: 1 });
    expect(written.performance?.window.realized.accuracy).toBeCloseTo(byLabel, 12);
    expect(written.notes.map((n) => n.message)).toContainEqual(
      '1 rows have a null model output (the model gave NaN): left out of the estimated metrics, and of the realized ones where the row has no predicted label either.',
    );
  });
});

describe('an empty (null) label in the labels file', () => {
  it('leaves only a row with no other label out, counted; a later label of the same id is used', async () => {
    const rows = penguins.slice(0, 20);
    const dir = await writeLog('null-in-labels', requestsOf(rows));
    const truth = rows.map((p) => scored(p).label);
    // r3 is listed empty before its label arrived; r5 is listed empty only.
    const lines = ['r3,0,', ...truth.map((y, i) => (i === 5 ? 'r5,0,' : `r${i},0,${i === 3 ? 'no' : y}`))];
    await writeFile(tmp.path('null-in-labels.csv'), `request_id,row,y\n${lines.join('\n')}\n`);
    const written = await monitor(dir, 'null-in-labels-out', [
      '--labels',
      'null-in-labels.csv',
      '--label-column',
      'y',
    ]);
    const right = rows.filter((_, i) => i !== 5 && (i === 3 ? 'no' : truth[i]) === truth[i]).length;
    expect(written.performance?.window).toMatchObject({ rows: 20, labeled: 19 });
    expect(written.performance?.window.realized.accuracy).toBeCloseTo(right / 19, 12);
    expect(written.notes.map((n) => n.message)).toContainEqual(
      '--labels null-in-labels.csv: 1 rows have only an empty label; left out.',
    );
  });
});

describe('monitor --compare latency when request ids repeat', () => {
  it('counts each shadow request once, in its own hour, however its id repeats (across hours, in an hour, at the same instant)', async () => {
    const p = (i: number) => penguins[i] as Penguin;
    const requests: [string, Date, Penguin[], number][] = [
      ['dup', at(7, 10), [p(0), p(1)], 10],
      ['again', at(7, 20), [p(2)], 20],
      ['again', at(7, 25), [p(3)], 40],
      ['same', at(7, 30), [p(4), p(5)], 6],
      ['same', at(7, 30), [p(6), p(7)], 6],
      ['dup', at(8, 10), [p(8)], 50],
      ['u8', at(8, 15), [p(9)], 30],
    ];
    const entries = requests.flatMap(([id, time, rows, latencyMs]) => [
      entry(id, time, rows, { role: 'production' }),
      entry(id, time, rows, { role: 'shadow', shadowOf: 'm', latencyMs }),
    ]);
    // Files of about one line: a request's rows run on into the next file.
    const dir = await writeLog('repeated-ids', entries, [], { maxFileBytes: 200 });
    const log = await findPredictionLog(dir);
    if (!log) throw new Error('no log written');
    expect(log.shadows.length).toBeGreaterThanOrEqual(10);

    const report = await compareShadow(db(), log);
    expect(report.chunks.map((c) => c.label)).toEqual(['2026-11-26 07:00', '2026-11-26 08:00']);
    const shadow = [...report.chunks, report.window].map((c) => c.latency.shadow);
    expect(shadow).toEqual([
      { requests: 5, meanMs: 82 / 5, p50Ms: 10, p99Ms: 40 },
      { requests: 2, meanMs: 40, p50Ms: 30, p99Ms: 50 },
      { requests: 7, meanMs: expect.closeTo(162 / 7, 12), p50Ms: 20, p99Ms: 50 },
    ]);
  });
});
