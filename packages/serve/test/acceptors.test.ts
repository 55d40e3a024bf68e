import cluster from 'node:cluster';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CORES_ENV, readProfile, UserError } from '@modelgate/core';
import { promote } from '@modelgate/registry';
import { describe, expect, it, vi } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { createPredictionLog, listPredictionLog } from '../src/prediction-log/index.js';
import { type RunningServer, startAcceptors } from '../src/server/index.js';
import {
  inferBody,
  json,
  MODEL,
  metricValue,
  type PenguinRow,
  post,
  readJsonLines,
  scoreInProcess,
  useShadowedRegistry,
} from './server-fixture.js';

const temp = useTempDir('acceptors');
const registry = useShadowedRegistry('acceptors');

type LogLine = Record<string, unknown>;

const rowsFor = (rows: readonly PenguinRow[], i: number) =>
  [0, 1].map((k) => rows[(i * 2 + k) % rows.length] as PenguinRow);

/** `count` OIP requests, `concurrency` at a time, each on a connection of its own so they spread. */
async function infer(server: RunningServer, rows: readonly PenguinRow[], count: number, prefix: string) {
  const answers: { status: number; body: LogLine }[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const i = next++;
        const response = await post(
          `${server.url}/v2/models/${MODEL}/infer`,
          inferBody(rowsFor(rows, i), { id: `${prefix}-${i}` }),
          { connection: 'close' },
        );
        answers[i] = { status: response.status, body: await json(response) };
      }
    }),
  );
  return answers;
}

async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const liveAcceptors = () => Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());

/** Each acceptor's `--inline auto` choice for a model, as its `inference-thread` line gives it. */
const inlineChoices = (logs: readonly LogLine[], model: string) =>
  logs
    .filter((l) => l.event === 'inference-thread' && l.model === model)
    .map(({ acceptor, inline, runMicros, hopMicros }) => ({ acceptor, inline, runMicros, hopMicros }));

/** One timing for all: the choice the first acceptor measured, given by every acceptor in `acceptors`. */
function expectOneTiming(logs: readonly LogLine[], model: string, acceptors: readonly number[]) {
  const choices = inlineChoices(logs, model);
  expect(choices.map((c) => c.acceptor).sort()).toEqual([...acceptors].sort());
  const [first] = choices;
  expect(first?.runMicros).toEqual(expect.any(Number));
  for (const choice of choices) expect({ ...choice, acceptor: first?.acceptor }).toEqual(first);
}

describe('serve --acceptors', () => {
  it('shares one port: answers equal onnxruntime, one prediction log and one /metrics for all, reload and drain', async () => {
    const { registryDir, rows, bytes } = registry();
    const dir = temp.path('log');
    const logs: LogLine[] = [];
    const server = await startAcceptors({
      acceptors: 3,
      registry: registryDir,
      models: [`${MODEL}#production`],
      shadow: { model: `${MODEL}#staging`, timeoutMs: 120_000 },
      predictionLog: createPredictionLog({ dir, flushIntervalMs: 3_600_000, requestLines: 1 }),
      port: 0,
      workers: 1,
      accessLog: true,
      log: (line) => logs.push(line as LogLine),
    });
    expect(liveAcceptors()).toHaveLength(3);
    const requests = 60;
    let text: string;
    try {
      const answers = await infer(server, rows, requests, 'first');
      expect(answers.map((a) => a.status)).toEqual(new Array(requests).fill(200));
      const expected = await scoreInProcess(bytes.v1, rows.slice(0, 2));
      expect(answers[0]?.body.model_version).toBe('v1');
      const outputs = (answers[0]?.body.outputs ?? []) as { name: string; data: unknown[] }[];
      const labels = outputs.find((o) => o.name === 'label');
      expect(labels?.data).toEqual(expected.label);
      // Every acceptor answered some: each served from its own models.
      const served = new Set(logs.filter((l) => l.event === 'request').map((l) => l.acceptor));
      expect([...served].sort()).toEqual([1, 2, 3]);

      // /metrics, asked of any acceptor, counts every acceptor's requests; a loaded model is 1, not 3.
      text = await (await fetch(`${server.url}/metrics`)).text();
      expect(metricValue(text, 'modelgate_requests_total', { status: '200' })).toBe(requests);
      expect(metricValue(text, 'modelgate_model_loaded', { version: 'v1' })).toBe(1);

      // A promotion reaches every acceptor on reload, with no request failing while it swaps.
      await promote({ registryDir, name: MODEL, stage: 'production', version: 'v2' });
      const [during] = await Promise.all([infer(server, rows, 30, 'during'), server.reload()]);
      expect(during.map((a) => a.status)).toEqual(new Array(30).fill(200));
      const after = await infer(server, rows, 12, 'after');
      expect(new Set(after.map((a) => a.body.model_version))).toEqual(new Set(['v2']));
      await promote({ registryDir, name: MODEL, stage: 'production', version: 'v1' });
    } finally {
      await server.close();
    }
    expect(liveAcceptors()).toHaveLength(0);
    expect(logs.filter((l) => l.event === 'closed').map((l) => l.acceptor ?? 'primary')).toEqual(
      expect.arrayContaining([1, 2, 3, 'primary']),
    );
    // `--inline auto` timed each version once, at start and on reload: every acceptor runs it alike.
    expectOneTiming(logs, `${MODEL}@v1`, [1, 2, 3]);
    expectOneTiming(logs, `${MODEL}@v2`, [1, 2, 3]);

    // One writer: every answered row once, with its request id, and the shadow's beside them.
    const [hour, ...more] = await listPredictionLog(dir, MODEL);
    expect(more).toEqual([]);
    const answered = await readJsonLines<LogLine>(hour?.predictions ?? []);
    expect(answered).toHaveLength((requests + 30 + 12) * 2);
    expect(new Set(answered.map((l) => l.request_id)).size).toBe(requests + 30 + 12);
    const shadowed = await readJsonLines<LogLine>(hour?.shadow ?? []);
    expect(shadowed.length).toBeGreaterThan(0);
    expect(shadowed.every((l) => l.role === 'shadow')).toBe(true);
    expect((await readProfile(hour?.profile ?? '')).rows).toBe((requests + 30 + 12) * 2);
  });

  it('shares the cores out; replaces an acceptor that dies, the others answering meanwhile', async () => {
    const { registryDir, rows } = registry();
    const logs: LogLine[] = [];
    // As on a 4-core machine: each of 2 acceptors counts its workers and threads from 2 cores, not 4.
    vi.stubEnv(CORES_ENV, '4');
    const server = await startAcceptors({
      acceptors: 2,
      registry: registryDir,
      models: [`${MODEL}#production`],
      port: 0,
      log: (line) => logs.push(line as LogLine),
    }).finally(() => vi.unstubAllEnvs());
    const shares = () =>
      logs
        .filter((l) => l.event === 'listening')
        .map(({ cores, workers, threadsPerWorker }) => ({ cores, workers, threadsPerWorker }));
    const share = { cores: 2, workers: 2, threadsPerWorker: 1 };
    expect(shares()).toEqual([share, share]);
    try {
      const [victim] = liveAcceptors();
      victim?.process.kill('SIGKILL');
      await until('the exit to be logged', () => logs.find((l) => l.event === 'acceptor-exited'));
      const meanwhile = await infer(server, rows, 10, 'meanwhile');
      expect(meanwhile.map((a) => a.status)).toEqual(new Array(10).fill(200));
      const restarted = await until('the replacement', () =>
        logs.find((l) => l.event === 'acceptor-restarted'),
      );
      expect(restarted.acceptor).toBe(logs.find((l) => l.event === 'acceptor-exited')?.acceptor);
      expect(liveAcceptors()).toHaveLength(2);
      expect(shares()).toEqual([share, share, share]);
      // The replacement runs the model as the others do, from their timing.
      expectOneTiming(logs, `${MODEL}@v1`, [1, 2, restarted.acceptor as number]);
      const after = await infer(server, rows, 10, 'after');
      expect(after.map((a) => a.status)).toEqual(new Array(10).fill(200));
    } finally {
      await server.close();
    }
    expect(liveAcceptors()).toHaveLength(0);
  });

  it('polls for every acceptor from the primary: a promotion reaches all of them, a failed poll is logged once', async () => {
    const { registryDir, rows } = registry();
    const logs: LogLine[] = [];
    const server = await startAcceptors({
      acceptors: 2,
      registry: registryDir,
      models: [`${MODEL}#production`],
      port: 0,
      workers: 1,
      pollIntervalMs: 100,
      log: (line) => logs.push(line as LogLine),
    });
    const stages = join(registryDir, MODEL, 'stages.yaml');
    const kept = await readFile(stages, 'utf8');
    try {
      await promote({ registryDir, name: MODEL, stage: 'production', version: 'v2' });
      await until('both acceptors to reload', () => {
        const reloaded = new Set(logs.filter((l) => l.event === 'reloaded').map((l) => l.acceptor));
        return reloaded.size === 2 ? true : undefined;
      });
      const after = await infer(server, rows, 12, 'polled');
      expect(new Set(after.map((a) => a.body.model_version))).toEqual(new Set(['v2']));

      await writeFile(stages, 'production: [not, a, version\n');
      const failed = await until('a failed poll', () => logs.find((l) => l.event === 'poll-failed'));
      // The primary's line: the acceptors themselves do not poll.
      expect(failed.acceptor).toBeUndefined();
      expect(logs.filter((l) => l.event === 'poll-failed' && l.acceptor !== undefined)).toEqual([]);
      const still = await infer(server, rows, 4, 'broken');
      expect(still.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    } finally {
      await writeFile(stages, kept);
      await server.close();
      await promote({ registryDir, name: MODEL, stage: 'production', version: 'v1' });
    }
  });

  it('a model that cannot load fails the start in one line, with no acceptor left running', async () => {
    const { registryDir } = registry();
    const start = startAcceptors({
      acceptors: 2,
      registry: registryDir,
      models: [`${MODEL}@v9`],
      port: 0,
      workers: 1,
    });
    await expect(start).rejects.toThrow(UserError);
    await expect(start).rejects.toThrow(/v9/);
    await until('the acceptors to exit', () => (liveAcceptors().length === 0 ? true : undefined));
  });
});
