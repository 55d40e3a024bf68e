import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Database } from '@modelgate/core';
import { promote, registerVersion } from '@modelgate/registry';
import { createSession, Tensor } from '@modelgate/runtime';
import { afterAll, beforeAll } from 'vitest';
import {
  PENGUINS_DATA,
  penguinsConfig,
  penguinsProblem,
  trainModel,
} from '../../evaluate/test/penguin-models.js';
import { useGitSandbox } from '../../registry/test/git-fixture.js';
import { type RunningServer, type ServeOptions, startServer } from '../src/index.js';

export const MODEL = 'penguins';

export const FEATURES = [
  { name: 'Island', datatype: 'BYTES' },
  { name: 'Beak Length (mm)', datatype: 'FP32' },
  { name: 'Beak Depth (mm)', datatype: 'FP32' },
  { name: 'Flipper Length (mm)', datatype: 'FP32' },
  { name: 'Body Mass (g)', datatype: 'FP32' },
  { name: 'Sex', datatype: 'BYTES' },
] as const;

export type PenguinRow = Record<string, string | number | null>;

export interface ServeRegistry {
  registryDir: string;
  /** model.onnx bytes by version. */
  bytes: Record<'v1' | 'v2', Uint8Array>;
  rows: PenguinRow[];
}

/**
 * A temporary git registry with two real penguin classifiers: v1 (gbdt) in
 * staging, v2 (logistic) registered but not promoted.
 */
export function useServeRegistry(label: string): () => ServeRegistry {
  const sandbox = useGitSandbox(label);
  let fixture: ServeRegistry | undefined;
  beforeAll(async () => {
    const db = await Database.open();
    try {
      const repo = await sandbox.repo();
      const registryDir = join(repo, 'registry');
      const problem = await penguinsProblem(db, penguinsConfig(), sandbox.tmp.path('problem'));
      const v1 = await trainModel(problem, 'gbdt', { rounds: 10 });
      const v2 = await trainModel(problem, 'logistic');
      for (const model of [v1, v2]) {
        await registerVersion({ registryDir, name: MODEL, model: await sandbox.artifacts({ model }) });
      }
      await promote({ registryDir, name: MODEL, stage: 'staging', version: 'v1' });
      const rows = JSON.parse(await readFile(PENGUINS_DATA, 'utf8')) as PenguinRow[];
      fixture = { registryDir, bytes: { v1, v2 }, rows };
    } finally {
      db.close();
    }
  });
  return () => {
    if (!fixture) throw new Error('useServeRegistry(): the registry is made in beforeAll');
    return fixture;
  };
}

/** The registry of useServeRegistry set up for `serve --shadow`: v1 in production, v2 in staging. */
export function useShadowedRegistry(label: string): () => ServeRegistry {
  const registry = useServeRegistry(label);
  beforeAll(async () => {
    const { registryDir } = registry();
    await promote({ registryDir, name: MODEL, stage: 'production', version: 'v1' });
    await promote({ registryDir, name: MODEL, stage: 'staging', version: 'v2' });
  });
  return registry;
}

/** A server for the test file, closed after its tests. */
export function useServer(options: () => ServeOptions): () => RunningServer {
  let server: RunningServer | undefined;
  beforeAll(async () => {
    server = await startServer(options());
  });
  afterAll(() => server?.close());
  return () => {
    if (!server) throw new Error('useServer(): the server starts in beforeAll');
    return server;
  };
}

/** An Open Inference Protocol request for penguin rows: one [N, 1] input per feature. */
export interface InferInput {
  name: string;
  datatype: string;
  shape: number[];
  data?: unknown[];
  parameters?: Record<string, unknown>;
}

export function inferBody(
  rows: readonly PenguinRow[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> & { inputs: InferInput[] } {
  return {
    ...extra,
    inputs: FEATURES.map(({ name, datatype }) => ({
      name,
      datatype,
      shape: [rows.length, 1],
      data: rows.map((row) => (datatype === 'BYTES' ? String(row[name] ?? '') : (row[name] ?? null))),
    })),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: assertions walk the response JSON by path
export type Json = any;

export function json(response: Response | undefined): Promise<Json> {
  if (!response) throw new Error('no response');
  return response.json();
}

export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Sum of a Prometheus series (all label sets matching `labels`) from /metrics text. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

/** Penguin rows through onnxruntime-node in this process: the reference a server must match. */
export async function scoreInProcess(model: Uint8Array, rows: readonly PenguinRow[]) {
  const session = await createSession(model);
  const feeds: Record<string, Tensor> = {};
  for (const { name, datatype } of FEATURES) {
    feeds[name] =
      datatype === 'BYTES'
        ? new Tensor(
            'string',
            rows.map((r) => String(r[name] ?? '')),
            [rows.length, 1],
          )
        : new Tensor(
            'float32',
            Float32Array.from(rows, (r) => (r[name] as number | null) ?? Number.NaN),
            [rows.length, 1],
          );
  }
  const out = await session.run(feeds);
  await session.release();
  return {
    probabilities: Array.from(out.probabilities?.data as Float32Array),
    label: Array.from(out.label?.data as string[]),
  };
}

/** The JSON lines of prediction-log files, in the order given. */
export async function readJsonLines<T = Json>(files: readonly string[]): Promise<T[]> {
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  return texts.flatMap((t) =>
    t
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as T),
  );
}

export async function metricsText(server: RunningServer): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}

/** Every shadow request offered so far has ended (scored, failed, timed out) or was dropped. */
export async function shadowSettled(server: RunningServer, offered: number): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const text = await metricsText(server);
    const ended =
      metricValue(text, 'modelgate_shadow_requests_total') +
      metricValue(text, 'modelgate_shadow_dropped_total');
    if (ended >= offered && metricValue(text, 'modelgate_shadow_queued_requests') === 0) return text;
    if (Date.now() > deadline) throw new Error(`the shadow ended ${ended} of ${offered} requests:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `count` requests, `concurrency` at a time; every answer's status. */
export async function load(count: number, concurrency: number, send: (i: number) => Promise<Response>) {
  const statuses: number[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const response = await send(i);
        statuses[i] = response.status;
        await response.arrayBuffer();
      }
    }),
  );
  return statuses;
}
