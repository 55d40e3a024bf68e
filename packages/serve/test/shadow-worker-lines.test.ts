import { mkdir, writeFile } from 'node:fs/promises';
import { attr, OnnxGraph } from '@modelgate/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import {
  createPredictionLog,
  listPredictionLog,
  type PredictionLogEntry,
  type PredictionSink,
  type ShadowLines,
} from '../src/prediction-log/index.js';
import { type RunningServer, startServer } from '../src/server/index.js';
import { byoFixtures, byoSpec, stampedCopy } from './byo-fixtures.js';
import { load, metricValue, post, readJsonLines, shadowSettled } from './server-fixture.js';

const temp = useTempDir('shadow-worker-lines');
const REQUESTS = 40;

/** The production's signature without its missing-value handling: a null feature gives NaN probabilities. */
function noImputation(): Uint8Array {
  const g = new OnnxGraph('no-imputation');
  const x = g.input('input', { dtype: 'float', shape: ['N', 4] });
  const logits = g.node('MatMul', [x, g.initializer('w', new Float32Array(12).fill(0.01), [4, 3])]);
  const probabilities = g.node('Softmax', [logits], { axis: attr.int(1) });
  g.output(probabilities, 'probabilities', { dtype: 'float', shape: ['N', 3] });
  return g.toBytes();
}

/**
 * Takes each row's beak depth as an index into a 64-row table: a depth past the table makes the
 * whole run fail, so a batch holding such a copy fails and is retried copy by copy.
 */
function failsOnDeepBeaks(): Uint8Array {
  const g = new OnnxGraph('fails-on-deep-beaks');
  const x = g.input('input', { dtype: 'float', shape: ['N', 4] });
  const depth = g.node('MatMul', [x, g.initializer('pick', Float32Array.of(0, 1, 0, 0), [4, 1])]);
  const index = g.node('Cast', [depth], { to: attr.int(7) });
  const table = g.initializer('table', new Float32Array(64 * 3).fill(0.5), [64, 3]);
  const rows = g.node('Gather', [table, index]);
  const logits = g.node('Reshape', [rows, g.int64s('shape', [-1, 3])]);
  const probabilities = g.node('Softmax', [logits], { axis: attr.int(1) });
  g.output(probabilities, 'probabilities', { dtype: 'float', shape: ['N', 3] });
  return g.toBytes();
}

/**
 * softmax(x · w) for one row at a time: its batch dimension is fixed at 1 (a PyTorch export without
 * dynamic axes), so the server and the shadow cannot batch its requests. `w[f][c]` is `scale * (c + 1)`.
 */
function oneRowAtATime(scale: number): Uint8Array {
  const g = new OnnxGraph('one-row-at-a-time');
  const x = g.input('input', { dtype: 'float', shape: [1, 4] });
  const w = Float32Array.from({ length: 12 }, (_, i) => scale * ((i % 3) + 1));
  const logits = g.node('MatMul', [x, g.initializer('w', w, [4, 3])]);
  const probabilities = g.node('Softmax', [logits], { axis: attr.int(1) });
  g.output(probabilities, 'probabilities', { dtype: 'float', shape: [1, 3] });
  return g.toBytes();
}

/** oneRowAtATime's probabilities for a row, computed here. */
function oneRowProbabilities(row: readonly number[], scale: number): number[] {
  const sum = row.reduce((n, v) => n + v, 0);
  const logits = [1, 2, 3].map((c) => sum * scale * c);
  const top = Math.max(...logits);
  const exp = logits.map((l) => Math.exp(l - top));
  const total = exp.reduce((n, e) => n + e, 0);
  return exp.map((e) => e / total);
}

let production: string;
let shadow: string;
let failing: string;
let FEATURES: readonly string[];

beforeAll(async () => {
  const expected = (await byoFixtures()).models['packed-probabilities'];
  FEATURES = expected.features;
  // Both carry their spec: the production in its metadata, the shadow in metadata.json beside it.
  production = await stampedCopy(temp.path('models'), 'packed-probabilities', expected);
  shadow = temp.path('no-imputation');
  await mkdir(shadow, { recursive: true });
  await writeFile(temp.path('no-imputation', 'model.onnx'), noImputation());
  await writeFile(temp.path('no-imputation', 'metadata.json'), JSON.stringify({ spec: byoSpec(expected) }));
  failing = temp.path('fails-on-deep-beaks');
  await mkdir(failing, { recursive: true });
  await writeFile(temp.path('fails-on-deep-beaks', 'model.onnx'), failsOnDeepBeaks());
  await writeFile(
    temp.path('fails-on-deep-beaks', 'metadata.json'),
    JSON.stringify({ spec: byoSpec(expected) }),
  );
});

/** Two rows per request; the odd requests' second row has `odd` as its beak depth. */
function request(i: number, odd: number | null = null) {
  const row = [39.1, 18.7, 181, 3750];
  return {
    id: `r-${i}`,
    inputs: FEATURES.map((name, f) => ({
      name,
      datatype: 'FP32',
      shape: [2, 1],
      data: [row[f], i % 2 === 1 && name === 'Beak Depth (mm)' ? odd : row[f]],
    })),
  };
}

async function serveUnderLoad(
  predictionLog: PredictionSink,
  shadowModel = shadow,
  oddDepth: number | null = null,
  log: (line: object) => void = () => {},
): Promise<{ metrics: string; server: RunningServer }> {
  const server = await startServer({
    models: [production],
    shadow: { model: shadowModel },
    predictionLog,
    port: 0,
    workers: 1,
    log,
  });
  try {
    const statuses = await load(REQUESTS, 8, (i) =>
      post(`${server.url}/v2/models/packed-probabilities/infer`, request(i, oddDepth)),
    );
    // The production imputes inside its graph: every request is answered.
    expect(statuses.every((s) => s === 200)).toBe(true);
    return { metrics: await shadowSettled(server, REQUESTS), server };
  } finally {
    await server.close();
  }
}

const even = Array.from({ length: REQUESTS / 2 }, (_, k) => `r-${2 * k}`).sort();

describe('the shadow’s worker checks each copy and writes its log lines', () => {
  it('fails only the copy whose outputs cannot be served, also inside a batch of copies', async () => {
    const dir = temp.path('log');
    const { metrics } = await serveUnderLoad(createPredictionLog({ dir, flushIntervalMs: 3_600_000 }));
    expect(metricValue(metrics, 'modelgate_shadow_requests_total', { outcome: 'failed' })).toBe(REQUESTS / 2);
    expect(metricValue(metrics, 'modelgate_shadow_requests_total', { outcome: 'scored' })).toBe(REQUESTS / 2);
    const [hour] = await listPredictionLog(dir, 'packed-probabilities');
    const lines = await readJsonLines<Record<string, unknown>>(hour?.shadow ?? []);
    expect([...new Set(lines.map((l) => l.request_id))].sort()).toEqual(even);
    expect(lines).toHaveLength(REQUESTS);
    for (const line of lines) {
      expect(line).toMatchObject({ model: 'no-imputation', version: 'v1', role: 'shadow' });
      expect(Object.keys(line.inputs as object)).toEqual(FEATURES);
      expect(typeof (line.outputs as Record<string, unknown>).label).toBe('string');
      expect(line.latency_ms).toBeGreaterThan(0);
    }
    const answered = await readJsonLines<Record<string, unknown>>(hour?.predictions ?? []);
    expect(new Set(answered.map((l) => l.request_id)).size).toBe(REQUESTS);
  });

  it('hands a sink that takes ready lines, but has no files, the lines the shadow’s process wrote', async () => {
    const groups: ShadowLines[] = [];
    const sink: PredictionSink = {
      record: () => {},
      recordShadowLines: (group) => groups.push(group),
      close: async () => {},
    };
    await serveUnderLoad(sink);
    const lines = groups.flatMap((g) =>
      new TextDecoder()
        .decode(g.data)
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { request_id: string; row: number; role: string }),
    );
    expect(groups.every((g) => g.shadowOf === 'packed-probabilities')).toBe(true);
    expect(groups.reduce((n, g) => n + g.rows, 0)).toBe(lines.length);
    expect([...new Set(lines.map((l) => l.request_id))].sort()).toEqual(even);
    expect(lines.map((l) => `${l.request_id}/${l.row}`).sort()).toEqual(
      even.flatMap((id) => [`${id}/0`, `${id}/1`]).sort(),
    );
  });

  it('a shadow’s process that cannot append its lines fails no answer: the rows lost are logged', async () => {
    const dir = temp.path('blocked-log');
    const log = createPredictionLog({ dir, flushIntervalMs: 3_600_000 });
    // The shadow's process is sent where its model's directory cannot be made; the answers' rows go to the log.
    const blocked = temp.path('blocked');
    await writeFile(blocked, 'a file, not a directory');
    const sink: PredictionSink = {
      record: (entry) => log.record(entry),
      shadowLinesFiles: { dir: blocked, maxFileBytes: 1 << 20 },
      close: () => log.close(),
    };
    const logged: Record<string, unknown>[] = [];
    const { metrics } = await serveUnderLoad(sink, production, null, (line) =>
      logged.push(line as Record<string, unknown>),
    );
    expect(metricValue(metrics, 'modelgate_shadow_requests_total', { outcome: 'scored' })).toBe(REQUESTS);
    const failures = logged.filter((l) => l.event === 'prediction-log-failed');
    expect(failures.length).toBeGreaterThan(0);
    expect(String(failures[0]?.error)).toMatch(/^prediction log: \d+ shadow rows not written: ENOTDIR/);
    const [hour] = await listPredictionLog(dir, 'packed-probabilities');
    expect(await readJsonLines(hour?.predictions ?? [])).toHaveLength(REQUESTS * 2);
    expect(hour?.shadow ?? []).toEqual([]);
  });

  it('shadows a model that takes one row at a time copy by copy: every request once, with the shadow’s outputs', async () => {
    const expected = (await byoFixtures()).models['packed-probabilities'];
    const model = async (name: string, scale: number) => {
      await mkdir(temp.path(name), { recursive: true });
      await writeFile(temp.path(name, 'model.onnx'), oneRowAtATime(scale));
      await writeFile(temp.path(name, 'metadata.json'), JSON.stringify({ spec: byoSpec(expected) }));
      return temp.path(name);
    };
    const [productionScale, shadowScale] = [0.0001, 0.0002];
    const dir = temp.path('one-row-log');
    const server = await startServer({
      models: [await model('one-row', productionScale)],
      shadow: { model: await model('one-row-shadow', shadowScale) },
      predictionLog: createPredictionLog({ dir, flushIntervalMs: 3_600_000 }),
      port: 0,
      workers: 1,
      log: () => {},
    });
    const rowOf = (i: number) => [39.1 + i, 18.7, 181, 3750 - 10 * i];
    let metrics: string;
    try {
      const statuses = await load(REQUESTS, 8, (i) =>
        post(`${server.url}/v2/models/one-row/infer`, {
          id: `one-${i}`,
          inputs: FEATURES.map((name, f) => ({ name, datatype: 'FP32', shape: [1, 1], data: [rowOf(i)[f]] })),
        }),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
      metrics = await shadowSettled(server, REQUESTS);
    } finally {
      await server.close();
    }
    expect(metricValue(metrics, 'modelgate_shadow_requests_total', { outcome: 'scored' })).toBe(REQUESTS);
    const [hour] = await listPredictionLog(dir, 'one-row');
    type Line = { request_id: string; row: number; model: string; outputs: Record<string, unknown> };
    const shadowed = await readJsonLines<Line>(hour?.shadow ?? []);
    const answered = await readJsonLines<Line>(hour?.predictions ?? []);
    expect(shadowed.map((l) => l.request_id).sort()).toEqual(
      Array.from({ length: REQUESTS }, (_, i) => `one-${i}`).sort(),
    );
    const classes = expected.classes ?? [];
    expect(classes).toHaveLength(3);
    const probabilities = (line: Line | undefined) =>
      classes.map((c) => Number(line?.outputs[`probability_${c}`]));
    for (const line of shadowed) {
      const i = Number(line.request_id.slice('one-'.length));
      expect([line.model, line.row]).toEqual(['one-row-shadow', 0]);
      const want = oneRowProbabilities(rowOf(i), shadowScale);
      for (const [c, p] of probabilities(line).entries()) expect(p).toBeCloseTo(want[c] as number, 5);
      // The production answered the same row with its own weights.
      const own = answered.find((a) => a.request_id === line.request_id);
      const wantOwn = oneRowProbabilities(rowOf(i), productionScale);
      for (const [c, p] of probabilities(own).entries()) expect(p).toBeCloseTo(wantOwn[c] as number, 5);
    }
  });

  it('gives a sink that takes entries only the shadow’s entries, as before', async () => {
    const entries: PredictionLogEntry[] = [];
    const sink: PredictionSink = { record: (entry) => entries.push(entry), close: async () => {} };
    await serveUnderLoad(sink);
    const shadowed = entries.filter((e) => e.role === 'shadow');
    expect(shadowed.map((e) => e.requestId).sort()).toEqual(even);
    for (const entry of shadowed) {
      expect(entry).toMatchObject({ model: 'no-imputation', shadowOf: 'packed-probabilities', rows: 2 });
      expect(Object.keys(entry.inputs)).toEqual(FEATURES);
      expect(entry.latencyMs).toBeGreaterThan(0);
    }
    expect(entries.filter((e) => e.role === 'production')).toHaveLength(REQUESTS);
  });

  it('asks the log once per copy whether it keeps it, also when a failed batch is retried copy by copy', async () => {
    const asked = new Map<string, number>();
    const entries: PredictionLogEntry[] = [];
    const sink: PredictionSink = {
      record: (entry) => entries.push(entry),
      accepts: (id) => {
        asked.set(id, (asked.get(id) ?? 0) + 1);
        return true;
      },
      close: async () => {},
    };
    const { metrics } = await serveUnderLoad(sink, failing, 500);
    expect(metricValue(metrics, 'modelgate_shadow_requests_total', { outcome: 'failed' })).toBe(REQUESTS / 2);
    expect(
      entries
        .filter((e) => e.role === 'shadow')
        .map((e) => e.requestId)
        .sort(),
    ).toEqual(even);
    // Once for the production's row, once for the shadow's copy: a sampling log counts each once.
    expect([...asked.values()].every((n) => n === 2)).toBe(true);
    expect(asked.size).toBe(REQUESTS);
  });
});
