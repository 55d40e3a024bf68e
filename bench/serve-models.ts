/**
 * bench:serve --models — the model server under load on loopback, next to the
 * same models run in-process by raw onnxruntime-node in the same run.
 *
 * Three models from a temporary registry: the built-in gbdt trained on
 * flights (raw columns in, preprocessing inside the graph), a small tabular
 * MLP (32-256-256-8) and the MNIST-size MLP (784-512-512-10), both
 * MatMul/Add/Relu with seeded random weights. The server runs in a child
 * process (bench/serve.ts --serve-child); the load generator (wrk when
 * installed, else autocannon: see serve-load.ts) sends OIP infer requests of
 * 16 and of 256 rows at concurrency 1, 16 and 64 — JSON, and for the networks
 * also the binary tensor data extension. Everything shares the machine's
 * cores, so every run prints the CPU each side used and the server's CPU per
 * request.
 *
 * The raw limit is one onnxruntime session using every core at its best batch
 * size (picked by short windows first), measured over a window as long as a
 * server run just before and just after each model's server runs; the higher
 * is the limit. The server may batch requests up to the largest size tried.
 * The HTTP ceiling (a trivial GET at c=64) bounds the requests per second any
 * model could reach here. Goal: server ÷ raw >= 0.8 at c=64.
 * MODELGATE_BENCH_ROWS=64 measures one request size; MODELGATE_BENCH_MODELS=
 * mlp-mnist only the models named (and implies --models); MODELGATE_BENCH_PERF=1 starts the server
 * with --perf-basic-prof, so `perf record -p <server pid>` names JS frames.
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
import { OnnxGraph } from '@modelgate/train';
import { dataset } from '../packages/core/test/datasets.js';
import { gbdtTrainer } from '../packages/train/src/gbdt/index.js';
import { prepareTask } from '../packages/train/test/gbdt-data.js';
import {
  fmt,
  generator,
  type Load,
  load,
  printRuns,
  seededUniform,
  startChild,
  stopChild,
} from './serve-harness.js';
import type { Request } from './serve-load.js';

/** Rows per request: small online requests and client-side batches; MODELGATE_BENCH_ROWS=64 measures one size. */
const ROW_SIZES = process.env.MODELGATE_BENCH_ROWS ? [Number(process.env.MODELGATE_BENCH_ROWS)] : [16, 256];
const CONCURRENCY = [1, 16, 64];
const SECONDS = 5;
const RAW_BATCHES = [16, 64, 256, 1024];
const RAW_SECONDS = 1.5;
const RAW_WINDOWS = 3;
/**
 * Two networks: a small tabular one (76k weights), where a request's HTTP work outweighs its
 * inference, and the canonical MNIST-size MLP (784-512-512-10, 670k weights, Keras's mnist_mlp).
 */
const MLPS = [
  { name: 'mlp-small', layers: [32, 256, 256, 8] },
  { name: 'mlp-mnist', layers: [784, 512, 512, 10] },
];
const FLIGHTS = dataset('flights-3m.parquet');
/** MODELGATE_BENCH_MODELS=mlp-mnist measures only the models named (comma-separated). */
const ONLY = process.env.MODELGATE_BENCH_MODELS?.split(',').filter(Boolean);
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

function buildMlp(layers: readonly number[]): Uint8Array {
  const random = seededUniform(7);
  const g = new OnnxGraph('mlp');
  let h = g.input('x', { dtype: 'float', shape: ['N', layers[0] as number] });
  for (let layer = 0; layer + 1 < layers.length; layer++) {
    const [fanIn, fanOut] = [layers[layer] as number, layers[layer + 1] as number];
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
    if (layer + 2 < layers.length) h = g.node('Relu', [h]);
  }
  g.output(h, 'scores', { dtype: 'float', shape: ['N', layers.at(-1) as number] });
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

/** The same request with the binary tensor data extension: a JSON header, then raw little-endian floats. */
function binaryBody(
  inputs: readonly TensorSignature[],
  columns: Map<string, Column>,
  rows: number,
): { body: Buffer; headerLength: number } {
  const parts: Buffer[] = [];
  const described = inputs.map((input) => {
    const column = columns.get(input.name) as Column;
    const values = Float32Array.from(column.values.slice(0, rows * rowWidth(input)), Number);
    parts.push(Buffer.from(values.buffer));
    return {
      name: input.name,
      shape: dimsOf(input, rows),
      datatype: 'FP32',
      parameters: { binary_data_size: values.byteLength },
    };
  });
  const header = Buffer.from(
    JSON.stringify({ id: 'bench', inputs: described, parameters: { binary_data_output: true } }),
  );
  return { body: Buffer.concat([header, ...parts]), headerLength: header.length };
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

interface RawModel {
  session: InferenceSession;
  feed: Record<string, Tensor>;
  batch: number;
  /** Rows/s by batch size in short windows, for the printout. */
  all: string;
}

async function rowsPerSecond(
  session: InferenceSession,
  feed: Record<string, Tensor>,
  batch: number,
  seconds: number,
) {
  let rows = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    await session.run(feed);
    rows += batch;
  }
  return rows / ((performance.now() - start) / 1000);
}

/** The batch size at which one session using every core is fastest (best of a few short windows each). */
async function bestBatch(
  session: InferenceSession,
  inputs: readonly TensorSignature[],
  columns: Map<string, Column>,
): Promise<RawModel> {
  let best = { rate: 0, batch: 0, feed: {} as Record<string, Tensor> };
  const all: string[] = [];
  for (const batch of RAW_BATCHES) {
    const feed = feeds(inputs, columns, batch);
    await session.run(feed);
    let rate = 0;
    for (let window = 0; window < RAW_WINDOWS; window++) {
      rate = Math.max(rate, await rowsPerSecond(session, feed, batch, RAW_SECONDS / RAW_WINDOWS));
    }
    all.push(`${batch}: ${fmt(rate)}`);
    if (rate > best.rate) best = { rate, batch, feed };
  }
  return { session, feed: best.feed, batch: best.batch, all: all.join(', ') };
}

/**
 * The raw limit over a window as long as a server run, so both sides are averages over the same time
 * (a best-of-short-windows peak would flatter raw: this machine's speed drifts by 10-20% over seconds).
 */
const rawLimit = (raw: RawModel) => rowsPerSecond(raw.session, raw.feed, raw.batch, SECONDS);

const jsonRequest = (body: string): Request => ({
  method: 'POST',
  body,
  headers: { 'content-type': 'application/json' },
});

function binaryRequest(body: Buffer, headerLength: number): Request {
  return {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(headerLength),
    },
  };
}

/** Each model's table: the server ÷ raw onnxruntime, at 16 and 256 rows per request. */
export async function runModelTable(entry: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'modelgate-bench-serve-'));
  const db = await Database.open();
  try {
    const gbdtBytes = await trainGbdt(db);
    const rows = await flightRows(db, Math.max(...RAW_BATCHES));
    const mlps = MLPS.map((mlp) => ({ ...mlp, bytes: buildMlp(mlp.layers) }));

    const registry = join(work, 'registry');
    execFileSync('git', ['init', '-q', work]);
    await mkdir(registry, { recursive: true });
    for (const { name, bytes } of [{ name: 'flights-gbdt', bytes: gbdtBytes }, ...mlps]) {
      const dir = join(work, 'artifacts', name);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'model.onnx'), bytes);
      await registerVersion({ registryDir: registry, name, model: join(dir, 'model.onnx') });
    }

    const random = seededUniform(11);
    // The GBDT takes strings and numbers, so JSON; the networks take floats, so both encodings, except
    // that MNIST-size JSON (784 numbers a row as text) is only a measure of JSON.parse, and is left out.
    const models = [
      {
        name: 'flights-gbdt',
        bytes: gbdtBytes,
        value: (input: TensorSignature, i: number) => plain(rows[i % rows.length]?.[input.name]),
        encodings: ['JSON'],
      },
      ...mlps.map(({ name, bytes }) => ({
        name,
        bytes,
        value: () => random(),
        encodings: name === 'mlp-mnist' ? ['binary'] : ['JSON', 'binary'],
      })),
    ];
    // Each model's best batch size first, before the server takes memory and threads.
    const plans = [];
    for (const model of models) {
      if (ONLY && !ONLY.includes(model.name)) continue;
      const session = await createSession(model.bytes, { intraOpNumThreads: availableParallelism() });
      const { inputs } = readSignature(session);
      const columns = columnsFor(inputs, Math.max(...RAW_BATCHES), model.value);
      const raw = await bestBatch(session, inputs, columns);
      const variants = ROW_SIZES.flatMap((rows) =>
        model.encodings.map((encoding) => {
          if (encoding === 'JSON')
            return { label: 'JSON', rows, request: jsonRequest(oipBody(inputs, columns, rows)) };
          const { body, headerLength } = binaryBody(inputs, columns, rows);
          return { label: 'binary tensor data', rows, request: binaryRequest(body, headerLength) };
        }),
      );
      plans.push({ name: model.name, variants, raw });
    }
    // The server may batch up to the largest size the raw limit was allowed: the best raw size flips
    // between runs on a busy machine, and capping the server at it would cap its batching by noise.
    const maxBatchSize = Math.max(...RAW_BATCHES);
    const { child, url: base } = await startChild(entry, 'serve-child', [
      registry,
      String(maxBatchSize),
      'auto',
      'auto',
      ...models.map((m) => m.name),
    ]);
    console.log(
      `server ${base} (own process, default workers): ${availableParallelism()} cores (load ${loadavg()[0]?.toFixed(1)}), max batch ${maxBatchSize} rows, requests of ${ROW_SIZES.join(' and ')} rows, ${SECONDS} s per run`,
    );
    console.log(
      `  load generator: ${generator.name}, on the same cores: "cores" is CPU time ÷ wall time per side ("other" = the rest of the machine)`,
    );
    const verdicts: string[] = [];
    try {
      const ceiling = await load(
        child,
        `${base}/v2/health/live`,
        { method: 'GET', body: '', headers: {} },
        1,
        64,
        SECONDS,
      );
      printRuns('HTTP ceiling: GET /v2/health/live (no body, no inference)', [ceiling]);
      console.log(
        `  = at most ${ROW_SIZES.map((rows) => `${fmt(ceiling.requests * rows)} rows/s with ${rows}-row requests`).join(', ')}, for any model`,
      );
      for (const { name, variants, raw } of plans) {
        const url = `${base}/v2/models/${name}/infer`;
        console.log(
          `\n${name}: raw onnxruntime-node, ${availableParallelism()} threads, rows/s by batch: ${raw.all}`,
        );
        // Measured next to the server's runs, before and after them: the higher is the limit.
        const before = await rawLimit(raw);
        const runs: { label: string; rows: number; at64: number }[] = [];
        for (const { label, rows, request } of variants) {
          const probe = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
          if (!probe.ok) throw new Error(`${name}: infer answered ${probe.status}: ${await probe.text()}`);
          await load(child, url, request, rows, 16, 1);
          const loads: Load[] = [];
          for (const c of CONCURRENCY) loads.push(await load(child, url, request, rows, c, SECONDS));
          printRuns(`${name}, ${label}, ${rows} rows per request`, loads);
          runs.push({ label, rows, at64: loads.find((r) => r.concurrency === 64)?.rowsPerSecond ?? 0 });
        }
        const after = await rawLimit(raw);
        const limit = Math.max(before, after);
        console.log(
          `\n  raw limit at batch ${raw.batch}, ${SECONDS} s windows: ${fmt(before)} rows/s before the server runs, ${fmt(after)} after`,
        );
        for (const { label, rows, at64 } of runs) {
          const ratio = at64 / limit;
          console.log(
            `  ${label}, ${rows} rows per request: server ÷ raw limit at c=64 ${ratio.toFixed(2)} (server ÷ HTTP ceiling ${(at64 / (ceiling.requests * rows)).toFixed(2)})`,
          );
          verdicts.push(
            `${name} ${label} ${rows} rows ${ratio.toFixed(2)} ${ratio >= 0.8 ? 'met' : 'MISSED'}`,
          );
        }
        await raw.session.release();
      }
    } finally {
      await stopChild(child);
    }
    console.log(`\ngoal: server ÷ raw >= 0.8 at c=64 ->\n  ${verdicts.join('\n  ')}`);
  } finally {
    db.close();
    await rm(work, { recursive: true, force: true });
  }
}
