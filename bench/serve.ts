/**
 * bench:serve — the model server under load on loopback, next to the same
 * models run in-process by raw onnxruntime-node in the same run.
 *
 * Two models from a temporary registry: the built-in gbdt trained on flights
 * (raw columns in, preprocessing inside the graph) and an MLP-size network
 * (32 floats -> 256 -> 256 -> 8, MatMul/Add/Relu, seeded random weights).
 * The server runs in a child process (this file with --serve-child) and
 * autocannon in this one (its main thread, idle otherwise), sending OIP
 * infer requests of ROWS rows at concurrency 1, 16 and 64 — as JSON, and
 * for the MLP also with the binary tensor data extension. Both processes
 * share the machine's cores, so every run prints the CPU each side used.
 * The raw limit is one onnxruntime session using every core at its best
 * batch size (best of a few windows), measured first; the server may batch
 * requests up to the largest size tried. The HTTP ceiling (a trivial GET at
 * c=64, times ROWS) bounds what any model could reach with requests of ROWS
 * rows on this machine. Goal: server ÷ raw >= 0.8 at c=64. MODELGATE_BENCH_ROWS
 * sets the rows per request (default 16).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
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

/** Rows per request; MODELGATE_BENCH_ROWS=256 measures larger client batches. */
const ROWS = Number(process.env.MODELGATE_BENCH_ROWS ?? 16);
const CONCURRENCY = [1, 16, 64];
const SECONDS = 5;
const RAW_BATCHES = [16, 64, 256, 1024];
const RAW_SECONDS = 1.5;
const RAW_WINDOWS = 3;
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
    // Best of a few short windows: other work on the machine only ever makes a window slower.
    let rate = 0;
    for (let window = 0; window < RAW_WINDOWS; window++) {
      let rows = 0;
      const start = performance.now();
      while (performance.now() - start < (RAW_SECONDS / RAW_WINDOWS) * 1000) {
        await session.run(feed);
        rows += batch;
      }
      rate = Math.max(rate, rows / ((performance.now() - start) / 1000));
    }
    all.push(`${batch}: ${Math.round(rate).toLocaleString('en-US')}`);
    if (rate > best) [best, bestBatch] = [rate, batch];
  }
  return { best, batch: bestBatch, all: all.join(', ') };
}

interface Request {
  body: string | Buffer;
  headers: Record<string, string>;
}

const jsonRequest = (body: string): Request => ({ body, headers: { 'content-type': 'application/json' } });

function binaryRequest(body: Buffer, headerLength: number): Request {
  return {
    body,
    headers: {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(headerLength),
    },
  };
}

/** CPU seconds: the server process, this process (autocannon), the whole machine. */
interface CpuSample {
  server: number;
  client: number;
  busy: number;
}

const TICKS = 100;

function cpuSample(server: ChildProcess): CpuSample {
  const stat = readFileSync(`/proc/${server.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const serverTicks = Number(fields[11]) + Number(fields[12]);
  const machine = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1).map(Number);
  const total = machine.reduce((a, b) => a + b, 0);
  const idle = (machine[3] ?? 0) + (machine[4] ?? 0);
  const { user, system } = process.cpuUsage();
  return { server: serverTicks / TICKS, client: (user + system) / 1e6, busy: (total - idle) / TICKS };
}

interface Load {
  concurrency: number;
  requests: number;
  rowsPerSecond: number;
  p50: number;
  p99: number;
  failed: number;
  /** Cores busy on average: the server, the load generator, everything else on the machine. */
  cores: { server: number; client: number; other: number };
}

async function load(
  server: ChildProcess,
  url: string,
  request: Request,
  concurrency: number,
  seconds: number,
  method: 'GET' | 'POST' = 'POST',
): Promise<Load> {
  const before = cpuSample(server);
  const started = performance.now();
  const result = await autocannon({
    url,
    method,
    ...(method === 'POST' ? { headers: request.headers, body: request.body } : {}),
    connections: concurrency,
    duration: seconds,
  });
  const wall = (performance.now() - started) / 1000;
  const after = cpuSample(server);
  const server_ = (after.server - before.server) / wall;
  const client = (after.client - before.client) / wall;
  return {
    concurrency,
    requests: result.requests.average,
    rowsPerSecond: result.requests.average * ROWS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
    cores: {
      server: server_,
      client,
      other: Math.max(0, (after.busy - before.busy) / wall - server_ - client),
    },
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** The server in its own process, so the load generator's CPU and the server's can be told apart. */
async function startServerProcess(
  registry: string,
  models: readonly string[],
  maxBatchSize: number,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      '--serve-child',
      registry,
      String(maxBatchSize),
      ...models,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    if (line.startsWith('{')) return { child, url: (JSON.parse(line) as { url: string }).url };
  }
  throw new Error('the server process exited before listening');
}

async function stopServerProcess(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function serveChild([registry, maxBatchSize, ...models]: string[]): Promise<void> {
  const server = await startServer({
    registry: registry as string,
    models,
    host: '127.0.0.1',
    port: 0,
    maxBatchSize: Number(maxBatchSize),
  });
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.stdin.on('end', stop).resume();
  console.log(JSON.stringify({ url: server.url }));
}

function printRuns(title: string, runs: readonly Load[]): void {
  console.log(`\n${title}`);
  console.log('  c    req/s     rows/s   p50 ms   p99 ms   failed   cores: server client other');
  for (const r of runs) {
    console.log(
      `  ${String(r.concurrency).padStart(2)} ${fmt(r.requests).padStart(8)} ${fmt(r.rowsPerSecond).padStart(10)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(8)} ${String(r.failed).padStart(8)}   ${r.cores.server.toFixed(2).padStart(13)} ${r.cores.client.toFixed(2).padStart(6)} ${r.cores.other.toFixed(2).padStart(5)}`,
    );
  }
}

async function main(): Promise<void> {
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
        binary: false,
      },
      { name: 'mlp-256', bytes: mlpBytes, value: () => random(), binary: true },
    ];
    // The raw limit first.
    const plans = [];
    for (const model of models) {
      const session = await createSession(model.bytes, { intraOpNumThreads: availableParallelism() });
      const { inputs } = readSignature(session);
      const columns = columnsFor(inputs, Math.max(...RAW_BATCHES), model.value);
      const raw = await rawLimit(session, inputs, columns);
      await session.release();
      const variants = [{ label: 'JSON', request: jsonRequest(oipBody(inputs, columns, ROWS)) }];
      if (model.binary) {
        const { body, headerLength } = binaryBody(inputs, columns, ROWS);
        variants.push({ label: 'binary tensor data', request: binaryRequest(body, headerLength) });
      }
      plans.push({ name: model.name, variants, raw });
    }
    // The server may batch up to the largest size the raw limit was allowed: the best raw size flips
    // between runs on a busy machine, and capping the server at it would cap its batching by noise.
    const maxBatchSize = Math.max(...RAW_BATCHES);
    const { child, url: base } = await startServerProcess(
      registry,
      models.map((m) => m.name),
      maxBatchSize,
    );
    console.log(
      `server ${base} (own process, default workers): ${availableParallelism()} cores (load ${loadavg()[0]?.toFixed(1)}), max batch ${maxBatchSize} rows, ${ROWS} rows per request, ${SECONDS} s per run`,
    );
    console.log(
      '  autocannon runs in this process on the same cores: "cores" is CPU time ÷ wall time per side ("other" = the rest of the machine)',
    );
    const verdicts: string[] = [];
    try {
      const ceiling = await load(child, `${base}/v2/health/live`, jsonRequest(''), 64, SECONDS, 'GET');
      printRuns('HTTP ceiling: GET /v2/health/live (no body, no inference)', [ceiling]);
      console.log(`  = ${fmt(ceiling.rowsPerSecond)} rows/s at most for any model with ${ROWS}-row requests`);
      for (const { name, variants, raw } of plans) {
        const url = `${base}/v2/models/${name}/infer`;
        console.log(
          `\n${name}: raw onnxruntime-node, ${availableParallelism()} threads, rows/s by batch: ${raw.all}`,
        );
        console.log(`  HTTP ceiling ÷ raw limit: ${(ceiling.rowsPerSecond / raw.best).toFixed(2)}`);
        for (const { label, request } of variants) {
          const probe = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
          if (!probe.ok) throw new Error(`${name}: infer answered ${probe.status}: ${await probe.text()}`);
          await load(child, url, request, 16, 1);
          const runs: Load[] = [];
          for (const c of CONCURRENCY) runs.push(await load(child, url, request, c, SECONDS));
          printRuns(`${name}, ${label}`, runs);
          const at64 = runs.find((r) => r.concurrency === 64)?.rowsPerSecond ?? 0;
          const ratio = at64 / raw.best;
          console.log(
            `  server ÷ raw limit (batch ${raw.batch}) at c=64: ${ratio.toFixed(2)} (server ÷ HTTP ceiling: ${(at64 / ceiling.rowsPerSecond).toFixed(2)})`,
          );
          verdicts.push(`${name} ${label} ${ratio.toFixed(2)} ${ratio >= 0.8 ? 'met' : 'MISSED'}`);
        }
      }
    } finally {
      await stopServerProcess(child);
    }
    console.log(`\ngoal: server ÷ raw >= 0.8 at c=64 -> ${verdicts.join('; ')}`);
  } finally {
    db.close();
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve-child') await serveChild(process.argv.slice(3));
else await main();
