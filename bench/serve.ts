/**
 * bench:serve — the model server under load on loopback, next to the same
 * models run in-process by raw onnxruntime-node in the same run.
 *
 * Two models from a temporary registry: the built-in gbdt trained on flights
 * (raw columns in, preprocessing inside the graph) and an MLP-size network
 * (32 floats -> 256 -> 256 -> 8, MatMul/Add/Relu, seeded random weights).
 * autocannon (in its own worker thread) sends OIP infer requests of ROWS rows
 * at concurrency 1, 16 and 64; the raw limit is one onnxruntime session using
 * every core at its best batch size, measured first, and the server may batch
 * requests up to that size. Goal: server ÷ raw >= 0.8 at c=64.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '@modelgate/core';
import { registerVersion } from '@modelgate/registry';
import {
  createSession,
  type InferenceSession,
  readSignature,
  Tensor,
  type TensorSignature,
} from '@modelgate/runtime';
import { startServer } from '@modelgate/serve';
import { OnnxGraph } from '@modelgate/train';
import autocannon from 'autocannon';
import { dataset } from '../packages/core/test/datasets.js';
import { gbdtTrainer } from '../packages/train/src/gbdt/index.js';
import { prepareTask } from '../packages/train/test/gbdt-data.js';

const ROWS = 16;
const CONCURRENCY = [1, 16, 64];
const SECONDS = 5;
const RAW_BATCHES = [16, 64, 256, 1024];
const RAW_SECONDS = 1.5;
const MLP = { inputs: 32, hidden: 256, outputs: 8 };
const FLIGHTS = dataset('flights-3m.parquet');
const FEATURES_SQL =
  'distance, origin, destination, hour(date) + minute(date) / 60 AS departure_hour, month(date) AS month, dayofweek(date) AS day_of_week';

type Column = { type: string; values: (number | string)[] };

async function trainGbdt(db: Database): Promise<Uint8Array> {
  const task = await prepareTask(db, {
    path: FLIGHTS,
    target: 'late',
    task: 'binary',
    select: `${FEATURES_SQL.replace('distance, origin, destination, ', '')}, delay > 15 AS late`,
    where: 'rowid % 30 = 0',
    features: ['distance', 'origin', 'destination', 'departure_hour', 'month', 'day_of_week'],
    seed: 42,
  });
  const model = await gbdtTrainer.fit(task.spec, task.train, task.validation, {}, { seed: 42 });
  return model.toOnnx(task.spec);
}

/** DuckDB's BIGINT arrives as bigint, which JSON cannot hold. */
function plain(value: unknown): number | string {
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' || typeof value === 'string' ? value : 0;
}

/** xorshift32: seeded weights, so every run serves the same network. */
function seededUniform(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000 - 0.5;
  };
}

function buildMlp(): Uint8Array {
  const random = seededUniform(7);
  const g = new OnnxGraph('mlp');
  let h = g.input('x', { dtype: 'float', shape: ['N', MLP.inputs] });
  const sizes = [MLP.inputs, MLP.hidden, MLP.hidden, MLP.outputs];
  for (let layer = 0; layer < 3; layer++) {
    const [fanIn, fanOut] = [sizes[layer] as number, sizes[layer + 1] as number];
    const scale = 2 / Math.sqrt(fanIn);
    const w = g.initializer(
      `w${layer}`,
      Float32Array.from({ length: fanIn * fanOut }, () => random() * scale),
      [fanIn, fanOut],
    );
    const b = g.initializer(
      `b${layer}`,
      Float32Array.from({ length: fanOut }, () => random() * 0.1),
      [fanOut],
    );
    h = g.node('Add', [g.node('MatMul', [h, w]), b]);
    if (layer < 2) h = g.node('Relu', [h]);
  }
  g.output(h, 'scores', { dtype: 'float', shape: ['N', MLP.outputs] });
  return g.toBytes();
}

async function flightRows(db: Database, n: number): Promise<Record<string, unknown>[]> {
  return db.rows(`SELECT ${FEATURES_SQL} FROM dataset WHERE rowid % 30 = 1 LIMIT ${n}`);
}

const OIP_TYPES: Record<string, string> = {
  float32: 'FP32',
  float64: 'FP64',
  int64: 'INT64',
  int32: 'INT32',
  string: 'BYTES',
  bool: 'BOOL',
};

/** Values per row: [N, 32] -> 32, [N, 1] and [N] -> 1. */
function rowWidth(input: TensorSignature): number {
  return input.shape.slice(1).reduce((a, b) => a * Math.max(1, b), 1);
}

function dimsOf(input: TensorSignature, rows: number): number[] {
  return input.shape.length <= 1 ? [rows] : [rows, rowWidth(input)];
}

/** Each model input as a flat column of `rows` rows (row-major for [N, k] inputs). */
function columnsFor(
  inputs: readonly TensorSignature[],
  rows: number,
  source: (input: TensorSignature, i: number) => number | string,
): Map<string, Column> {
  const out = new Map<string, Column>();
  for (const input of inputs) {
    const width = rowWidth(input);
    out.set(input.name, {
      type: input.type,
      values: Array.from({ length: rows * width }, (_, i) => source(input, i)),
    });
  }
  return out;
}

function oipBody(inputs: readonly TensorSignature[], columns: Map<string, Column>, rows: number): string {
  return JSON.stringify({
    id: 'bench',
    inputs: inputs.map((input) => {
      const column = columns.get(input.name) as Column;
      const width = rowWidth(input);
      return {
        name: input.name,
        shape: dimsOf(input, rows),
        datatype: OIP_TYPES[input.type] ?? 'FP32',
        data: column.values.slice(0, rows * width),
      };
    }),
  });
}

function feeds(
  inputs: readonly TensorSignature[],
  columns: Map<string, Column>,
  rows: number,
): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const input of inputs) {
    const column = columns.get(input.name) as Column;
    const width = rowWidth(input);
    const values = column.values.slice(0, rows * width);
    const dims = dimsOf(input, rows);
    if (input.type === 'string') out[input.name] = new Tensor('string', values.map(String), dims);
    else if (input.type === 'int64')
      out[input.name] = new Tensor(
        'int64',
        BigInt64Array.from(values, (v) => BigInt(Math.round(Number(v)))),
        dims,
      );
    else if (input.type === 'float64')
      out[input.name] = new Tensor('float64', Float64Array.from(values, Number), dims);
    else out[input.name] = new Tensor('float32', Float32Array.from(values, Number), dims);
  }
  return out;
}

/** Rows per second of one session using every core, at each batch size; the best is the raw limit. */
async function rawLimit(
  session: InferenceSession,
  inputs: readonly TensorSignature[],
  columns: Map<string, Column>,
): Promise<{ best: number; batch: number; all: string }> {
  let best = 0;
  let bestBatch = 0;
  const all: string[] = [];
  for (const batch of RAW_BATCHES) {
    const feed = feeds(inputs, columns, batch);
    await session.run(feed);
    let rows = 0;
    const start = performance.now();
    while (performance.now() - start < RAW_SECONDS * 1000) {
      await session.run(feed);
      rows += batch;
    }
    const rate = rows / ((performance.now() - start) / 1000);
    all.push(`${batch}: ${Math.round(rate).toLocaleString('en-US')}`);
    if (rate > best) [best, bestBatch] = [rate, batch];
  }
  return { best, batch: bestBatch, all: all.join(', ') };
}

interface Load {
  concurrency: number;
  requests: number;
  rowsPerSecond: number;
  p50: number;
  p99: number;
  failed: number;
}

async function load(url: string, body: string, concurrency: number, seconds: number): Promise<Load> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: concurrency,
    duration: seconds,
    workers: 1,
  });
  return {
    concurrency,
    requests: result.requests.average,
    rowsPerSecond: result.requests.average * ROWS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const work = await mkdtemp(join(tmpdir(), 'modelgate-bench-serve-'));
const db = await Database.open();
try {
  const gbdtBytes = await trainGbdt(db);
  const rows = await flightRows(db, Math.max(...RAW_BATCHES));
  const mlpBytes = buildMlp();

  const registry = join(work, 'registry');
  execFileSync('git', ['init', '-q', work]);
  await mkdir(registry, { recursive: true });
  for (const [name, bytes] of [
    ['flights-gbdt', gbdtBytes],
    ['mlp-256', mlpBytes],
  ] as const) {
    const dir = join(work, 'artifacts', name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'model.onnx'), bytes);
    await registerVersion({ registryDir: registry, name, model: join(dir, 'model.onnx') });
  }

  const random = seededUniform(11);
  const models = [
    {
      name: 'flights-gbdt',
      bytes: gbdtBytes,
      value: (input: TensorSignature, i: number) => plain(rows[i % rows.length]?.[input.name]),
    },
    { name: 'mlp-256', bytes: mlpBytes, value: () => random() },
  ];
  // The raw limit first: its best batch size is what the server may batch up to.
  const plans = [];
  for (const model of models) {
    const session = await createSession(model.bytes, { intraOpNumThreads: availableParallelism() });
    const { inputs } = readSignature(session);
    const columns = columnsFor(inputs, Math.max(...RAW_BATCHES), model.value);
    const raw = await rawLimit(session, inputs, columns);
    await session.release();
    plans.push({ name: model.name, body: oipBody(inputs, columns, ROWS), raw });
  }
  const maxBatchSize = Math.max(...plans.map((p) => p.raw.batch));
  const server = await startServer({
    registry,
    models: models.map((m) => m.name),
    host: '127.0.0.1',
    port: 0,
    maxBatchSize,
  });
  console.log(
    `server ${server.url}: ${availableParallelism()} cores (load ${loadavg()[0]?.toFixed(1)}), max batch ${maxBatchSize} rows, ${ROWS} rows per request, ${SECONDS} s per run`,
  );
  const verdicts: string[] = [];
  try {
    for (const { name, body, raw } of plans) {
      const url = `${server.url}/v2/models/${name}/infer`;
      const probe = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      if (!probe.ok) throw new Error(`${name}: infer answered ${probe.status}: ${await probe.text()}`);
      await load(url, body, 16, 1);
      const runs: Load[] = [];
      for (const c of CONCURRENCY) runs.push(await load(url, body, c, SECONDS));
      console.log(`\n${name}`);
      console.log('  c    req/s     rows/s   p50 ms   p99 ms   failed');
      for (const r of runs) {
        console.log(
          `  ${String(r.concurrency).padStart(2)} ${fmt(r.requests).padStart(8)} ${fmt(r.rowsPerSecond).padStart(10)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(8)} ${String(r.failed).padStart(8)}`,
        );
      }
      console.log(`  raw onnxruntime-node, ${availableParallelism()} threads, rows/s by batch: ${raw.all}`);
      const at64 = runs.find((r) => r.concurrency === 64)?.rowsPerSecond ?? 0;
      const ratio = at64 / raw.best;
      console.log(`  server ÷ raw limit (batch ${raw.batch}) at c=64: ${ratio.toFixed(2)}`);
      verdicts.push(`${name} ${ratio.toFixed(2)} ${ratio >= 0.8 ? 'met' : 'MISSED'}`);
    }
  } finally {
    await server.close();
  }
  console.log(`\ngoal: server ÷ raw >= 0.8 at c=64 -> ${verdicts.join('; ')}`);
} finally {
  db.close();
  await rm(work, { recursive: true, force: true });
}
