import { readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readProfile, UserError } from '@modelgate/core';
import { promote } from '@modelgate/registry';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/test/run-cli.js';
import { useTempDir } from '../../core/test/fixtures.js';
import { byoFixture } from '../../runtime/test/byo-fixtures.js';
import { createPredictionLog, listPredictionLog } from '../src/prediction-log/index.js';
import { type RunningServer, startServer } from '../src/server/index.js';
import { SHADOW_LIMITS } from '../src/server/shadow/shadow-runner.js';
import {
  inferBody,
  load,
  MODEL,
  metricsText,
  metricValue,
  type PenguinRow,
  post,
  readJsonLines,
  shadowSettled,
  useShadowedRegistry,
} from './server-fixture.js';

const SHADOW_FIXTURES = join(import.meta.dirname, 'fixtures', 'shadow');
const temp = useTempDir('shadow');
const registry = useShadowedRegistry('shadow');

interface LogLine {
  request_id: string;
  model: string;
  version: string;
  role?: string;
  row: number;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  latency_ms?: number;
}

function byRequest(lines: readonly LogLine[]): Map<string, LogLine[]> {
  const out = new Map<string, LogLine[]>();
  for (const line of lines) out.set(line.request_id, [...(out.get(line.request_id) ?? []), line]);
  return out;
}

const SCHED_IDLE = 5;

/** A process's threads with their scheduling policy and niceness (/proc stat fields 41 and 19). */
function threadPriorities(pid: number | 'self' = 'self'): { tid: number; policy: number; nice: number }[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { tid: Number(tid), nice: Number(fields[16]), policy: Number(fields[38]) };
  });
}

/** This process's children running the shadow's entry. */
function shadowProcesses(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return parent === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('shadow-main');
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

const rowsFor = (rows: readonly PenguinRow[], i: number) =>
  [0, 1, 2].map((k) => rows[(i * 3 + k) % rows.length] as PenguinRow);

/**
 * `requests` one-row requests to the packed-probabilities model, 6 at a time, reading the shadow's
 * queued gauge after every `every`-th answer: the metrics once the shadow settled, and the most queued seen.
 */
async function loadWatchingQueue(server: RunningServer, requests: number, every: number) {
  const body = {
    inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], data: [40, 18, 190, 3800] }],
  };
  let mostQueued = 0;
  const statuses = await load(requests, 6, async (i) => {
    const response = await post(`${server.url}/v2/models/packed-probabilities/infer`, body);
    if (i % every === 0) {
      mostQueued = Math.max(
        mostQueued,
        metricValue(await metricsText(server), 'modelgate_shadow_queued_requests'),
      );
    }
    return response;
  });
  expect(statuses.every((s) => s === 200)).toBe(true);
  return { text: await shadowSettled(server, requests), mostQueued };
}

describe('serve --shadow', () => {
  it('logs both versions’ predictions for the same request ids under load, and answers from production', async () => {
    const { registryDir, rows } = registry();
    const dir = temp.path('load-log');
    const server = await startServer({
      registry: registryDir,
      // The second model answers the same inputs directly: what the shadow must have logged.
      models: [`${MODEL}#production`, `${MODEL}@v2`],
      // A generous timeout: on a busy machine the niced shadow may lag far behind, and must not time out here.
      // Two workers: the shadow's process then scores in a pool of worker threads (the other tests
      // run the default, one, on the process's own thread).
      shadow: { model: `${MODEL}#staging`, timeoutMs: 120_000, workers: 2 },
      predictionLog: createPredictionLog({ dir, flushIntervalMs: 3_600_000 }),
      port: 0,
      workers: 1,
    });
    const requests = 240;
    let text: string;
    try {
      const statuses = await load(requests, 12, (i) =>
        post(`${server.url}/v2/models/${MODEL}/infer`, inferBody(rowsFor(rows, i), { id: `load-${i}` })),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
      const direct = await load(requests, 12, (i) =>
        post(
          `${server.url}/v2/models/${MODEL}/versions/v2/infer`,
          inferBody(rowsFor(rows, i), { id: `direct-${i}` }),
        ),
      );
      expect(direct.every((s) => s === 200)).toBe(true);
      text = await shadowSettled(server, requests);
      // The shadow runs in a process of its own, every thread of it (V8's helpers too) at idle
      // priority (SCHED_IDLE, nice 19); none of the server's threads does.
      const [shadowPid, ...others] = shadowProcesses();
      expect(others).toEqual([]);
      const shadowThreads = threadPriorities(shadowPid as number);
      expect(shadowThreads.length).toBeGreaterThan(4);
      for (const thread of shadowThreads) expect(thread).toMatchObject({ policy: SCHED_IDLE, nice: 19 });
      for (const thread of threadPriorities()) expect(thread).toMatchObject({ policy: 0, nice: 0 });
    } finally {
      await server.close();
    }
    // Only the first --model's answers are shadowed, each once; the shadow's work is not the production's.
    expect(metricValue(text, 'modelgate_shadow_requests_total', { outcome: 'scored', version: 'v2' })).toBe(
      requests,
    );
    expect(metricValue(text, 'modelgate_shadow_requests_total')).toBe(requests);
    expect(metricValue(text, 'modelgate_shadow_dropped_total')).toBe(0);
    expect(metricValue(text, 'modelgate_shadow_duration_seconds_count')).toBe(requests);
    expect(metricValue(text, 'modelgate_requests_total', { version: 'v2' })).toBe(requests);

    const [hour, ...more] = await listPredictionLog(dir, MODEL);
    expect(more).toEqual([]);
    const production = byRequest(await readJsonLines<LogLine>(hour?.predictions ?? []));
    const shadow = byRequest(await readJsonLines<LogLine>(hour?.shadow ?? []));
    expect(shadow.size).toBe(requests);
    for (let i = 0; i < requests; i++) {
      const answered = production.get(`load-${i}`) ?? [];
      const shadowed = shadow.get(`load-${i}`) ?? [];
      expect(answered.map((l) => [l.model, l.version, l.role, l.row])).toEqual(
        [0, 1, 2].map((row) => [MODEL, 'v1', 'production', row]),
      );
      expect(shadowed.map((l) => [l.model, l.version, l.role, l.row])).toEqual(
        [0, 1, 2].map((row) => [MODEL, 'v2', 'shadow', row]),
      );
      expect(shadowed.map((l) => l.inputs)).toEqual(answered.map((l) => l.inputs));
      expect(shadowed.every((l) => (l.latency_ms ?? 0) > 0)).toBe(true);
    }
    // The shadow's outputs (scored in batches of copies) are v2's own answers for the same rows.
    for (let i = 0; i < requests; i++) {
      expect(shadow.get(`load-${i}`)?.map((l) => l.outputs)).toEqual(
        production.get(`direct-${i}`)?.map((l) => l.outputs),
      );
    }
    // The two versions disagree somewhere, so the comparison above is not of identical models.
    const differing = [...shadow.keys()].filter(
      (id) =>
        JSON.stringify(shadow.get(id)?.map((l) => l.outputs.label)) !==
        JSON.stringify(production.get(id)?.map((l) => l.outputs.label)),
    );
    expect(differing.length).toBeGreaterThan(0);
    // The hourly profile counts the answered rows once: the shadow's copies are not profiled.
    expect((await readProfile(hour?.profile ?? '')).rows).toBe(requests * 2 * 3);
  });

  it('follows its reference on reload: a promotion to the shadowed stage swaps the new version in', async () => {
    const { registryDir, rows } = registry();
    const dir = temp.path('swap-log');
    const logged: Record<string, unknown>[] = [];
    const server = await startServer({
      registry: registryDir,
      models: [`${MODEL}#production`],
      shadow: { model: `${MODEL}#staging`, timeoutMs: 120_000 },
      predictionLog: createPredictionLog({ dir, flushIntervalMs: 3_600_000 }),
      port: 0,
      workers: 1,
      log: (line) => logged.push(line as Record<string, unknown>),
    });
    const stages = join(registryDir, MODEL, 'stages.yaml');
    const send = (prefix: string, count: number) =>
      load(count, 4, (i) =>
        post(`${server.url}/v2/models/${MODEL}/infer`, inferBody(rowsFor(rows, i), { id: `${prefix}-${i}` })),
      );
    let text: string;
    try {
      expect(await send('before', 20)).toEqual(new Array(20).fill(200));
      await shadowSettled(server, 20);
      await promote({ registryDir, name: MODEL, stage: 'staging', version: 'v1' });
      await server.reload();
      expect(logged.filter((l) => l.event === 'shadow-swapped')).toEqual([
        expect.objectContaining({ from: `${MODEL}@v2`, to: `${MODEL}@v1` }),
      ]);
      expect(await send('after', 20)).toEqual(new Array(20).fill(200));
      await shadowSettled(server, 40);

      // A shadow reference that no longer resolves keeps the loaded shadow, and says why.
      const kept = await readFile(stages, 'utf8');
      await writeFile(stages, 'staging: [not, a, version\n');
      await server.reload().catch(() => {});
      await writeFile(stages, kept);
      expect(logged.filter((l) => l.event === 'shadow-load-failed')).toHaveLength(1);
      expect(await send('kept', 10)).toEqual(new Array(10).fill(200));
      text = await shadowSettled(server, 50);
    } finally {
      await server.close();
      await promote({ registryDir, name: MODEL, stage: 'staging', version: 'v2' });
    }
    const scored = (version: string) =>
      metricValue(text, 'modelgate_shadow_requests_total', { version, outcome: 'scored' });
    expect([scored('v2'), scored('v1')]).toEqual([20, 30]);
    const [hour] = await listPredictionLog(dir, MODEL);
    const versions = new Map<string, Set<string>>();
    for (const line of await readJsonLines<LogLine>(hour?.shadow ?? [])) {
      const prefix = line.request_id.split('-')[0] as string;
      versions.set(prefix, (versions.get(prefix) ?? new Set()).add(line.version));
    }
    expect(Object.fromEntries([...versions].map(([k, v]) => [k, [...v]]))).toEqual({
      before: ['v2'],
      after: ['v1'],
      kept: ['v1'],
    });
  });

  it('a shadow process that dies never fails an answer, fails only its copies meanwhile, and is started again', async () => {
    const { registryDir, rows } = registry();
    const logged: Record<string, unknown>[] = [];
    const server = await startServer({
      registry: registryDir,
      models: [`${MODEL}#production`],
      shadow: { model: `${MODEL}#staging`, timeoutMs: 120_000 },
      port: 0,
      workers: 1,
      log: (line) => logged.push(line as Record<string, unknown>),
    });
    const send = (count: number) =>
      load(count, 4, (i) => post(`${server.url}/v2/models/${MODEL}/infer`, inferBody(rowsFor(rows, i))));
    const until = async (event: string) => {
      const deadline = Date.now() + 60_000;
      while (!logged.some((l) => l.event === event)) {
        if (Date.now() > deadline) throw new Error(`no ${event} logged`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const outcomes = (text: string) => ({
      scored: metricValue(text, 'modelgate_shadow_requests_total', { outcome: 'scored' }),
      failed: metricValue(text, 'modelgate_shadow_requests_total', { outcome: 'failed' }),
    });
    try {
      expect(await send(20)).toEqual(new Array(20).fill(200));
      expect(outcomes(await shadowSettled(server, 20))).toEqual({ scored: 20, failed: 0 });
      const [first] = shadowProcesses();
      process.kill(first as number, 'SIGKILL');
      await until('shadow-exited');
      // Until it runs again the copies fail at once; the answers do not.
      expect(await send(20)).toEqual(new Array(20).fill(200));
      const down = outcomes(await shadowSettled(server, 40));
      expect(down.failed).toBeGreaterThan(0);
      expect(down.scored + down.failed).toBe(40);
      await until('shadow-restarted');
      const [second, ...others] = shadowProcesses();
      expect(others).toEqual([]);
      expect(second).not.toBe(first);
      for (const thread of threadPriorities(second as number)) expect(thread.policy).toBe(SCHED_IDLE);
      expect(await send(20)).toEqual(new Array(20).fill(200));
      const after = outcomes(await shadowSettled(server, 60));
      expect(after).toEqual({ scored: down.scored + 20, failed: down.failed });
    } finally {
      await server.close();
    }
    expect(logged.find((l) => l.event === 'shadow-exited')).toMatchObject({
      level: 'error',
      model: `${MODEL}@v2`,
      how: 'SIGKILL',
      restartInMs: 1000,
    });
    expect(logged.find((l) => l.event === 'shadow-failed')).toMatchObject({
      error: 'the shadow process exited (SIGKILL)',
    });
    // Closed with its server: no shadow process is left behind.
    expect(shadowProcesses()).toEqual([]);
  });

  it('says so when the shadow cannot run on SCHED_IDLE (no chrt), and runs it at nice 19', async () => {
    const { registryDir } = registry();
    const logged: Record<string, unknown>[] = [];
    const path = process.env.PATH;
    // The shadow's process finds chrt on its PATH; it gets this one.
    process.env.PATH = temp.path('no-chrt');
    let server: Awaited<ReturnType<typeof startServer>>;
    try {
      server = await startServer({
        registry: registryDir,
        models: [`${MODEL}#production`],
        shadow: { model: `${MODEL}#staging` },
        port: 0,
        workers: 1,
        log: (line) => logged.push(line as Record<string, unknown>),
      });
    } finally {
      process.env.PATH = path;
    }
    try {
      const [shadowPid] = shadowProcesses();
      for (const thread of threadPriorities(shadowPid as number))
        expect(thread).toMatchObject({ policy: 0, nice: 19 });
    } finally {
      await server.close();
    }
    expect(logged.find((l) => l.event === 'shadow-priority')).toMatchObject({
      level: 'warn',
      priority: 'nice',
      model: `${MODEL}@v2`,
    });
  });

  it('a failing shadow never fails an answer: each failed copy counted in /metrics and logged', async () => {
    const fixture = byoFixture('packed-probabilities');
    const dir = temp.path('failing-log');
    const logged: Record<string, unknown>[] = [];
    const server = await startServer({
      models: [fixture.path],
      specFlags: {
        features: fixture.expected.features.join(','),
        classes: (fixture.expected.classes ?? []).join(','),
        task: fixture.expected.task,
      },
      shadow: { model: join(SHADOW_FIXTURES, 'fails.onnx') },
      predictionLog: createPredictionLog({ dir, flushIntervalMs: 3_600_000 }),
      port: 0,
      workers: 1,
      log: (line) => logged.push(line as Record<string, unknown>),
    });
    const requests = 60;
    // The shadow fails on any positive input value: the odd requests fail it, the even (all zero) do
    // not, also when a batch of copies mixes both.
    const data = (i: number) => (i % 2 === 1 ? [40, 18, 190, 3800, 45, 15, 210, 4500] : new Array(8).fill(0));
    let text: string;
    try {
      const statuses = await load(requests, 8, (i) =>
        post(`${server.url}/v2/models/packed-probabilities/infer`, {
          id: `fail-${i}`,
          inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 4], data: data(i) }],
        }),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
      text = await shadowSettled(server, requests);
    } finally {
      await server.close();
    }
    expect(metricValue(text, 'modelgate_shadow_requests_total', { outcome: 'failed' })).toBe(requests / 2);
    expect(metricValue(text, 'modelgate_shadow_requests_total', { outcome: 'scored' })).toBe(requests / 2);
    expect(metricValue(text, 'modelgate_requests_total', { status: '200' })).toBe(requests);
    expect(metricValue(text, 'modelgate_requests_total')).toBe(requests);
    const failures = logged.filter((l) => l.event === 'shadow-failed');
    expect(failures.length).toBeGreaterThan(0);
    expect(String(failures[0]?.error)).toMatch(/Gather node.*indices element out of data bounds/);
    const [hour] = await listPredictionLog(dir, 'packed-probabilities');
    const shadowIds = [
      ...new Set((await readJsonLines<LogLine>(hour?.shadow ?? [])).map((l) => l.request_id)),
    ].sort();
    const even = Array.from({ length: requests / 2 }, (_, k) => `fail-${2 * k}`).sort();
    expect(shadowIds).toEqual(even);
    expect(
      new Set((await readJsonLines<LogLine>(hour?.predictions ?? [])).map((l) => l.request_id)).size,
    ).toBe(requests);
  });

  it('a slow shadow times out and its bounded queue drops the excess, counted; answers unaffected', async () => {
    const fixture = byoFixture('packed-probabilities');
    const logged: Record<string, unknown>[] = [];
    const maxQueue = 2;
    const server = await startServer({
      models: [fixture.path],
      shadow: { model: join(SHADOW_FIXTURES, 'slow.onnx'), timeoutMs: 20, maxQueue },
      port: 0,
      workers: 1,
      log: (line) => logged.push(line as Record<string, unknown>),
    });
    const requests = 24;
    let text: string;
    let mostQueued: number;
    try {
      ({ text, mostQueued } = await loadWatchingQueue(server, requests, 6));
    } finally {
      await server.close();
    }
    const timedOut = metricValue(text, 'modelgate_shadow_requests_total', { outcome: 'timeout' });
    const dropped = metricValue(text, 'modelgate_shadow_dropped_total', { reason: 'queue_full' });
    expect(timedOut).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
    expect(
      timedOut + dropped + metricValue(text, 'modelgate_shadow_requests_total', { outcome: 'scored' }),
    ).toBe(requests);
    expect(mostQueued).toBeLessThanOrEqual(maxQueue);
    expect(logged.some((l) => l.event === 'shadow-timeout')).toBe(true);
  });

  it('drops copies, counted as busy, while the HTTP thread is busier than --shadow-max-load; answers unaffected', async () => {
    const fixture = byoFixture('packed-probabilities');
    const server = await startServer({
      models: [fixture.path],
      shadow: { model: fixture.path, maxLoad: 0.5 },
      port: 0,
      workers: 1,
    });
    const request = (id: string) =>
      post(`${server.url}/v2/models/packed-probabilities/infer`, {
        id,
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], data: [40, 18, 190, 3800] }],
      });
    const statuses: number[] = [];
    let text: string;
    try {
      // This test's thread is the server's HTTP thread: kept busy for 300 ms, the next copy finds it
      // busier than half the time; after 400 ms of waiting, a copy finds it idle.
      const end = performance.now() + 300;
      while (performance.now() < end) {
        // busy on purpose
      }
      statuses.push((await request('busy')).status);
      await new Promise((resolve) => setTimeout(resolve, 400));
      statuses.push((await request('idle')).status);
      text = await shadowSettled(server, 2);
    } finally {
      await server.close();
    }
    expect(statuses).toEqual([200, 200]);
    expect(metricValue(text, 'modelgate_shadow_dropped_total', { reason: 'busy' })).toBe(1);
    expect(metricValue(text, 'modelgate_shadow_requests_total', { outcome: 'scored' })).toBe(1);
    expect(metricValue(text, 'modelgate_requests_total', { status: '200' })).toBe(2);
  });

  it('bounds the bytes of inputs it holds as well as the copies: past them copies are dropped, counted', async () => {
    const fixture = byoFixture('packed-probabilities');
    const server = await startServer({
      models: [fixture.path],
      shadow: { model: fixture.path },
      port: 0,
      workers: 1,
    });
    const requests = 24;
    let text: string;
    let mostQueued: number;
    const limits = { ...SHADOW_LIMITS };
    // Each copy is one row of 4 float32 features, 16 bytes: four fit, the fifth is dropped. The
    // requests all fall in one gathering window, so nothing leaves the queue meanwhile.
    SHADOW_LIMITS.maxQueuedBytes = 64;
    SHADOW_LIMITS.batchWindowMs = 2_000;
    try {
      ({ text, mostQueued } = await loadWatchingQueue(server, requests, 1));
    } finally {
      Object.assign(SHADOW_LIMITS, limits);
      await server.close();
    }
    const scored = metricValue(text, 'modelgate_shadow_requests_total', { outcome: 'scored' });
    const dropped = metricValue(text, 'modelgate_shadow_dropped_total', { reason: 'queue_full' });
    expect(dropped).toBeGreaterThan(0);
    expect(scored + dropped).toBe(requests);
    expect(mostQueued).toBeGreaterThan(0);
    expect(mostQueued).toBeLessThanOrEqual(4);
  });

  it('refuses a shadow with another signature at start, naming the difference', async () => {
    const { registryDir } = registry();
    const other = byoFixture('packed-probabilities');
    const started = startServer({
      registry: registryDir,
      models: [`${MODEL}#production`],
      shadow: { model: other.path },
      port: 0,
      workers: 1,
    });
    await expect(started).rejects.toThrow(UserError);
    await expect(started).rejects.toThrow(
      /--shadow .*packed-probabilities\.onnx \(packed-probabilities@v1\) cannot shadow --model penguins#production \(penguins@v1\): inputs: production has Island, .*; shadow has input$/,
    );

    const cli = await runCli([
      'serve',
      '--registry',
      registryDir,
      '--model',
      `${MODEL}#production`,
      '--shadow',
      other.path,
      '--port',
      '0',
      '--workers',
      '1',
    ]);
    expect(cli.code).toBe(2);
    const errors = cli.stderr.split('\n').filter((l) => l.includes('cannot shadow'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/inputs: production has Island, .*; shadow has input/);

    const missing = startServer({
      models: [other.path],
      shadow: { model: 'missing.onnx' },
      port: 0,
      workers: 1,
    });
    await expect(missing).rejects.toThrow(/^--shadow missing\.onnx: no such file/);

    const rateWithout = await runCli(['serve', '--model', other.path, '--shadow-rate', '0.5']);
    expect(rateWithout.code).toBe(2);
    expect(rateWithout.stderr).toMatch(/--shadow-rate: needs --shadow <ref>/);
    const workersWithout = await runCli(['serve', '--model', other.path, '--shadow-workers', '2']);
    expect(workersWithout.code).toBe(2);
    expect(workersWithout.stderr).toMatch(/--shadow-workers: needs --shadow <ref>/);
    for (const [flag, value, line] of [
      ['--shadow-max-load', '2', "--shadow-max-load '2': expected a share from 0 to 1, such as 0.01."],
      ['--shadow-workers', '0', '--shadow-workers 0: expected an integer of at least 1'],
    ] as const) {
      const refused = await runCli(['serve', '--model', other.path, '--shadow', other.path, flag, value]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(`modelgate: error: ${line}\n`);
    }
  });
});
