/**
 * bench:serve — the model server against the protocol limit, in the same run.
 *
 * A tabular classifier (breast-cancer-shaped logistic regression: 30 float
 * features packed in one [N, 30] input, softmax probabilities, its spec in the
 * ONNX metadata so the server derives the label and takes MLflow columns by
 * feature name) is served by `modelgate serve` with its defaults, in a child
 * process. Beside it, also in a child process, a bare node:http server does
 * what each protocol requires without inference (serve-bare.ts). wrk (or
 * autocannon, see serve-load.ts) sends OIP JSON, OIP binary tensor and MLflow
 * `dataframe_split` requests of 1, 16 and 256 rows at c = 1, 16 and 64 to
 * each, alternating server and bare run by run, so drift on this shared
 * machine touches both alike. Raw onnxruntime (one session on every core at a
 * large batch) is measured before and after.
 *
 * The goal measure: server rows/s ÷ min(raw onnxruntime, bare HTTP) ≥ 0.8.
 * Also measured: malformed requests (a bad element at the end of a 16-row JSON
 * body, and a body cut in half) against valid ones, in server CPU per request,
 * and how many batches reached a worker meanwhile (expected: none).
 *
 * The servers run the built JavaScript, as users run them (the npm script builds first): from the
 * TypeScript sources, tsx's helpers alone cost 1-4% of a request.
 *
 * MODELGATE_BENCH_ROWS=16 measures one request size, MODELGATE_BENCH_PROTOCOL=binary one protocol. --quick: 2 s runs (about 3 minutes in all); default 4 s runs (wrk takes whole seconds).
 * --models: also the earlier per-model table against raw onnxruntime (GBDT on
 * flights, two MLPs; see serve-models.ts). MODELGATE_BENCH_PERF=1 starts the
 * children with --perf-basic-prof; MODELGATE_BENCH_PROF=<dir> starts the model
 * server with --cpu-prof into that directory.
 */

import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerVersion } from '@modelgate/registry';
import { createSession, type InferenceSession, specMetadataProps, Tensor } from '@modelgate/runtime';
import {
  type InlineMode,
  resolveAcceptors,
  type ServeOptions,
  startAcceptors,
  startServer,
} from '@modelgate/serve';
import { attr, OnnxGraph } from '@modelgate/train';
import { type BareModel, startBareServer } from './serve-bare.js';
import {
  fmt,
  generator,
  type Load,
  load,
  seededUniform,
  serverNodeFlags,
  startChild,
  stopChild,
  stopOnSignal,
  treeRunQueueWaitNs,
} from './serve-harness.js';
import type { Request } from './serve-load.js';

const QUICK = process.argv.includes('--quick');
const SECONDS = QUICK ? 2 : 4;
/** MODELGATE_BENCH_ROWS=16 measures one request size. */
const ROW_SIZES = process.env.MODELGATE_BENCH_ROWS
  ? [Number(process.env.MODELGATE_BENCH_ROWS)]
  : [1, 16, 256];
const CONCURRENCY = [1, 16, 64];
const RAW_BATCHES = [256, 1024];
const GOAL = 0.8;

/** sklearn's load_breast_cancer feature names, with each feature's mean: requests look like its rows. */
const FEATURES: readonly (readonly [string, number])[] = [
  ['mean radius', 14.13],
  ['mean texture', 19.29],
  ['mean perimeter', 91.97],
  ['mean area', 654.9],
  ['mean smoothness', 0.0964],
  ['mean compactness', 0.1043],
  ['mean concavity', 0.0888],
  ['mean concave points', 0.0489],
  ['mean symmetry', 0.1812],
  ['mean fractal dimension', 0.0628],
  ['radius error', 0.4052],
  ['texture error', 1.217],
  ['perimeter error', 2.866],
  ['area error', 40.34],
  ['smoothness error', 0.00704],
  ['compactness error', 0.02548],
  ['concavity error', 0.03189],
  ['concave points error', 0.0118],
  ['symmetry error', 0.02054],
  ['fractal dimension error', 0.003795],
  ['worst radius', 16.27],
  ['worst texture', 25.68],
  ['worst perimeter', 107.26],
  ['worst area', 880.6],
  ['worst smoothness', 0.1324],
  ['worst compactness', 0.2543],
  ['worst concavity', 0.2722],
  ['worst concave points', 0.1146],
  ['worst symmetry', 0.2901],
  ['worst fractal dimension', 0.0839],
];
const MODEL: BareModel = {
  name: 'breast-cancer',
  input: 'x',
  width: FEATURES.length,
  features: FEATURES.map(([name]) => name),
  classes: ['benign', 'malignant'],
};

function buildLogistic(): Uint8Array {
  const random = seededUniform(7);
  const g = new OnnxGraph('logistic');
  const x = g.input(MODEL.input, { dtype: 'float', shape: ['N', MODEL.width] });
  const w = g.initializer(
    'w',
    Float32Array.from({ length: MODEL.width * 2 }, (_, i) => random() / (FEATURES[i >> 1]?.[1] ?? 1)),
    [MODEL.width, 2],
  );
  const b = g.initializer('b', Float32Array.from([0.1, -0.1]), [2]);
  const p = g.node('Softmax', [g.node('Add', [g.node('MatMul', [x, w]), b])], { axis: attr.int(1) });
  g.output(p, 'probabilities', { dtype: 'float', shape: ['N', 2] });
  const spec = {
    task: 'binary' as const,
    target: 'diagnosis',
    features: MODEL.features.map((name) => ({ name, kind: 'numeric' as const })),
    classes: [...MODEL.classes],
  };
  return g.toBytes({ metadata: specMetadataProps(spec) });
}

/** Rows like the data set's: each feature around its mean, four significant digits. */
function makeRows(count: number): number[][] {
  const random = seededUniform(11);
  return Array.from({ length: count }, () =>
    FEATURES.map(([, mean]) => Number((mean * (1 + random())).toPrecision(4))),
  );
}

interface Protocol {
  label: string;
  path: string;
  request: (rows: readonly number[][]) => Request;
}

const json = (body: unknown): Request => ({
  method: 'POST',
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json' },
});

const ALL_PROTOCOLS: readonly Protocol[] = [
  {
    label: 'OIP JSON',
    path: `/v2/models/${MODEL.name}/infer`,
    request: (rows) =>
      json({
        id: 'bench',
        inputs: [
          { name: MODEL.input, shape: [rows.length, MODEL.width], datatype: 'FP32', data: rows.flat() },
        ],
      }),
  },
  {
    label: 'OIP binary tensors',
    path: `/v2/models/${MODEL.name}/infer`,
    request: (rows) => {
      const values = Float32Array.from(rows.flat());
      const header = Buffer.from(
        JSON.stringify({
          id: 'bench',
          inputs: [
            {
              name: MODEL.input,
              shape: [rows.length, MODEL.width],
              datatype: 'FP32',
              parameters: { binary_data_size: values.byteLength },
            },
          ],
          parameters: { binary_data_output: true },
        }),
      );
      return {
        method: 'POST',
        body: Buffer.concat([header, Buffer.from(values.buffer)]),
        headers: {
          'content-type': 'application/octet-stream',
          'inference-header-content-length': String(header.length),
        },
      };
    },
  },
  {
    label: 'MLflow dataframe_split',
    path: '/invocations',
    request: (rows) => json({ dataframe_split: { columns: MODEL.features, data: rows } }),
  },
];

/** MODELGATE_BENCH_PROTOCOL=binary (a part of a label) measures that protocol only. */
const PROTOCOLS = ALL_PROTOCOLS.filter((p) =>
  p.label.toLowerCase().includes((process.env.MODELGATE_BENCH_PROTOCOL ?? '').toLowerCase()),
);

/** A response's structure: names, types and lengths, not values; the two servers must agree on it. */
function skeleton(value: unknown): unknown {
  if (Array.isArray(value)) return [value.length, skeleton(value[0])];
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'id' ? v : skeleton(v)]));
  }
  return typeof value;
}

async function responseSkeleton(url: string, request: Request): Promise<string> {
  const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
  const bytes = Buffer.from(await response.arrayBuffer());
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${bytes.toString()}`);
  const headerLength = response.headers.get('inference-header-content-length');
  const text = bytes.toString('utf8', 0, headerLength === null ? bytes.length : Number(headerLength));
  // Binary label bytes differ with the labels (benign, malignant), so only the structure is compared.
  return JSON.stringify(skeleton(JSON.parse(text)));
}

async function rawRowsPerSecond(session: InferenceSession, rows: number[][]): Promise<number> {
  let best = 0;
  for (const batch of RAW_BATCHES) {
    const x = Float32Array.from(Array.from({ length: batch }, (_, i) => rows[i % rows.length] ?? []).flat());
    const feed = { [MODEL.input]: new Tensor('float32', x, [batch, MODEL.width]) };
    await session.run(feed);
    let done = 0;
    const start = performance.now();
    while (performance.now() - start < 1000) {
      await session.run(feed);
      done += batch;
    }
    best = Math.max(best, done / ((performance.now() - start) / 1000));
  }
  return best;
}

/** Batches run so far, read once the requests of the last load run have all been answered. */
async function batchesSent(base: string): Promise<number> {
  for (;;) {
    const lines = (await (await fetch(`${base}/metrics`)).text()).split('\n');
    if (lines.includes('modelgate_inflight_requests 0')) {
      const line = lines.find((l) => l.startsWith('modelgate_batch_size_rows_count'));
      return Number(line?.slice(line.lastIndexOf(' ') + 1) ?? 0);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Cell {
  protocol: string;
  rows: number;
  server: Load;
  bare: Load;
  ratio: number;
}

const ms = (n: number) => n.toFixed(1).padStart(6);

function printTable(protocol: Protocol, bodies: Map<number, number>, cells: readonly Cell[]): void {
  console.log(
    `\n${protocol.label} (${protocol.path}); ratio = server rows/s ÷ min(raw, bare); CPU = bare ÷ server CPU µs per request`,
  );
  console.log(
    '  rows   c |  server req/s  p50 ms  p99 ms  CPU µs/req |  bare req/s  p50 ms  p99 ms  CPU µs/req | ratio   CPU',
  );
  for (const { rows, server, bare, ratio } of cells) {
    console.log(
      `  ${String(rows).padStart(4)} ${String(server.concurrency).padStart(3)} | ${fmt(server.requests).padStart(13)} ${ms(server.p50)}  ${ms(server.p99)}  ${fmt(server.cpuPerRequest).padStart(10)} | ${fmt(bare.requests).padStart(11)} ${ms(bare.p50)}  ${ms(bare.p99)}  ${fmt(bare.cpuPerRequest).padStart(10)} | ${ratio.toFixed(2).padStart(5)} ${(bare.cpuPerRequest / server.cpuPerRequest).toFixed(2).padStart(5)}${server.failed + bare.failed > 0 ? `  (${server.failed}/${bare.failed} failed)` : ''}`,
    );
  }
  console.log(`  bodies: ${[...bodies].map(([rows, bytes]) => `${rows} rows ${fmt(bytes)} B`).join(', ')}`);
}

async function protocolTable(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'modelgate-bench-serve-'));
  const registry = join(work, 'registry');
  const bytes = buildLogistic();
  execFileSync('git', ['init', '-q', work]);
  await mkdir(join(work, 'artifact'), { recursive: true });
  await writeFile(join(work, 'artifact', 'model.onnx'), bytes);
  await registerVersion({
    registryDir: registry,
    name: MODEL.name,
    model: join(work, 'artifact', 'model.onnx'),
  });
  const rows = makeRows(Math.max(...ROW_SIZES));
  const session = await createSession(bytes, { intraOpNumThreads: availableParallelism() });
  const rawBefore = await rawRowsPerSecond(session, rows);

  const profile = process.env.MODELGATE_BENCH_PROF;
  const server = await startChild(
    import.meta.url,
    'serve-child',
    [registry, '64', 'auto', 'auto', MODEL.name],
    [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), ...serverNodeFlags()],
  );
  const bare = await startChild(import.meta.url, 'bare-child', [JSON.stringify(MODEL)]);
  console.log(
    `bench:serve: ${availableParallelism()} cores (load ${loadavg()[0]?.toFixed(1)}, shared with whatever else runs), ${SECONDS} s per run${QUICK ? ' (--quick)' : ''}`,
  );
  console.log(
    `  model server ${server.url} (modelgate serve defaults: --acceptors auto = ${resolveAcceptors('auto')} processes; CPU counts them all); bare node:http ${bare.url} (own process, one thread)`,
  );
  console.log(`  load generator: ${generator.name}; server and bare runs alternate`);
  const cells: Cell[] = [];
  const bodies = new Map<Protocol, Map<number, number>>();
  let malformed = '';
  try {
    for (const protocol of PROTOCOLS) {
      const sizes = new Map<number, number>();
      bodies.set(protocol, sizes);
      const table: Cell[] = [];
      for (const size of ROW_SIZES) {
        const request = protocol.request(rows.slice(0, size));
        sizes.set(size, Buffer.byteLength(request.body));
        const [ours, theirs] = await Promise.all([
          responseSkeleton(`${server.url}${protocol.path}`, request),
          responseSkeleton(`${bare.url}${protocol.path}`, request),
        ]);
        if (ours !== theirs)
          throw new Error(`${protocol.label}: responses differ:\n  server ${ours}\n  bare   ${theirs}`);
        await load(server.child, `${server.url}${protocol.path}`, request, size, 16, 1);
        await load(bare.child, `${bare.url}${protocol.path}`, request, size, 16, 1);
        for (const c of CONCURRENCY) {
          const s = await load(server.child, `${server.url}${protocol.path}`, request, size, c, SECONDS);
          const b = await load(bare.child, `${bare.url}${protocol.path}`, request, size, c, SECONDS);
          table.push({ protocol: protocol.label, rows: size, server: s, bare: b, ratio: 0 });
        }
      }
      cells.push(...table);
      if (protocol === ALL_PROTOCOLS[0]) malformed = await malformedRuns(server, protocol, rows);
    }
    const rawAfter = await rawRowsPerSecond(session, rows);
    const raw = Math.max(rawBefore, rawAfter);
    for (const cell of cells) cell.ratio = cell.server.rowsPerSecond / Math.min(raw, cell.bare.rowsPerSecond);
    console.log(
      `\nraw onnxruntime-node, ${availableParallelism()} threads, best of batches ${RAW_BATCHES.join(' and ')}: ${fmt(rawBefore)} rows/s before, ${fmt(rawAfter)} after`,
    );
    for (const protocol of PROTOCOLS) {
      printTable(
        protocol,
        bodies.get(protocol) ?? new Map(),
        cells.filter((c) => c.protocol === protocol.label),
      );
    }
    console.log(malformed);
    console.log(await halfLoad(server, bare, cells, rows));
    console.log(await variantsAgainstDefault(server, registry, rows));
  } finally {
    await Promise.all([stopChild(server.child), stopChild(bare.child)]);
    await session.release();
    await rm(work, { recursive: true, force: true });
  }
  const at = (protocol: string, size: number) =>
    cells.filter((c) => c.protocol === protocol && c.rows === size && c.server.concurrency > 1);
  console.log(`\ngoal: server ÷ min(raw, bare) >= ${GOAL} at c = 16 and 64 ->`);
  for (const protocol of PROTOCOLS) {
    for (const size of ROW_SIZES) {
      const measured = at(protocol.label, size);
      const ratios = measured.map((c) => c.ratio);
      const cpu = measured.map((c) => c.bare.cpuPerRequest / c.server.cpuPerRequest);
      console.log(
        `  ${protocol.label}, ${size} rows: ${ratios.map((r) => r.toFixed(2)).join(', ')} ${Math.min(...ratios) >= GOAL ? 'met' : 'MISSED'} (CPU per request, bare ÷ server: ${cpu.map((r) => r.toFixed(2)).join(', ')})`,
      );
    }
  }
}

/** Connections of the paced half-load run: enough that each waits whole milliseconds between requests. */
const PACED_CONNECTIONS = 128;

/**
 * p99 at half the maximum load: the load generator paced to half the c = 64 rate the server reached
 * above (16-row requests; each connection waits a random time around the mean, so they do not
 * arrive in step), then the bare server at the same pace, the floor of what client and machine
 * allow. Paced, not a true open loop: an answer that stalls delays its connection's next request,
 * so long stalls are under-counted.
 */
async function halfLoad(
  server: { child: ChildProcess; url: string },
  bare: { child: ChildProcess; url: string },
  cells: readonly Cell[],
  rows: number[][],
): Promise<string> {
  const lines = [
    `\np99 at half the maximum load: ${generator.name} paced to half the c = 64 rate above, ${PACED_CONNECTIONS} connections, 16 rows (goal: p99 <= 5 ms)`,
  ];
  for (const protocol of PROTOCOLS) {
    const cell = cells.find(
      (c) => c.protocol === protocol.label && c.rows === 16 && c.server.concurrency === 64,
    );
    if (!cell) continue;
    const rate = Math.max(1, Math.floor(cell.server.requests / 2));
    const request = protocol.request(rows.slice(0, 16));
    const run = async (side: { child: ChildProcess; url: string }) => {
      const waited = treeRunQueueWaitNs(side.child.pid as number);
      const result = await generator.run(
        `${side.url}${protocol.path}`,
        request,
        PACED_CONNECTIONS,
        SECONDS,
        rate,
      );
      const answered = result.requestsPerSecond * SECONDS;
      const waitUs = (treeRunQueueWaitNs(side.child.pid as number) - waited) / 1000 / Math.max(1, answered);
      return { ...result, waitUs };
    };
    const ours = await run(server);
    const theirs = await run(bare);
    lines.push(
      `  ${protocol.label.padEnd(24)} ${fmt(rate).padStart(6)} req/s asked | server ${fmt(ours.requestsPerSecond).padStart(6)} req/s, p50 ${ours.p50.toFixed(1)} ms, p99 ${ours.p99.toFixed(1)} ms${ours.failed ? ` (${ours.failed} failed)` : ''} ${ours.p99 <= 5 ? 'met' : 'MISSED'}, waiting for a core ${ours.waitUs.toFixed(0)} µs/request | bare ${fmt(theirs.requestsPerSecond).padStart(6)} req/s, p50 ${theirs.p50.toFixed(1)} ms, p99 ${theirs.p99.toFixed(1)} ms, waiting ${theirs.waitUs.toFixed(0)} µs/request`,
    );
  }
  return lines.join('\n');
}

/** Variants of the server measured beside its defaults: [label, --inline, --acceptors]. */
const VARIANTS: [string, InlineMode, string][] = [
  ['--acceptors 1', 'auto', '1'],
  ['--inline never', 'never', 'auto'],
];

/**
 * The same server with one flag changed beside the default, alternating run by run on 16-row
 * requests at c = 64: what several acceptors buy against one process, and what running the model
 * on the HTTP thread saves against the worker hop.
 */
async function variantsAgainstDefault(
  defaults: { child: ChildProcess; url: string },
  registry: string,
  rows: number[][],
): Promise<string> {
  const lines = [
    '\nthe defaults against one flag changed, 16 rows at c = 64, alternating, mean of 2 runs each',
  ];
  for (const [label, inline, acceptors] of VARIANTS) {
    const variant = await startChild(import.meta.url, 'serve-child', [
      registry,
      '64',
      inline,
      acceptors,
      MODEL.name,
    ]);
    try {
      for (const protocol of PROTOCOLS.slice(0, 2)) {
        const request = protocol.request(rows.slice(0, 16));
        const runs = { defaults: [] as Load[], variant: [] as Load[] };
        await load(variant.child, `${variant.url}${protocol.path}`, request, 16, 16, 1);
        for (let i = 0; i < 2; i++) {
          runs.defaults.push(
            await load(defaults.child, `${defaults.url}${protocol.path}`, request, 16, 64, SECONDS),
          );
          runs.variant.push(
            await load(variant.child, `${variant.url}${protocol.path}`, request, 16, 64, SECONDS),
          );
        }
        const mean = (loads: Load[], key: 'requests' | 'cpuPerRequest') =>
          loads.reduce((sum, l) => sum + l[key], 0) / loads.length;
        lines.push(
          `  ${protocol.label.padEnd(20)} defaults ${fmt(mean(runs.defaults, 'requests')).padStart(6)} req/s ${fmt(mean(runs.defaults, 'cpuPerRequest')).padStart(4)} CPU µs/req | ${label.padEnd(15)} ${fmt(mean(runs.variant, 'requests')).padStart(6)} req/s ${fmt(mean(runs.variant, 'cpuPerRequest')).padStart(4)} CPU µs/req | defaults: throughput ${(mean(runs.defaults, 'requests') / mean(runs.variant, 'requests')).toFixed(2)}×, CPU ${(mean(runs.defaults, 'cpuPerRequest') / mean(runs.variant, 'cpuPerRequest')).toFixed(2)}×`,
        );
      }
    } finally {
      await stopChild(variant.child);
    }
  }
  return lines.join('\n');
}

/** Malformed 16-row requests at c = 64: server CPU per request against the valid ones, and batches sent meanwhile. */
async function malformedRuns(
  server: { child: ChildProcess; url: string },
  protocol: Protocol,
  rows: number[][],
): Promise<string> {
  const sixteen = rows.slice(0, 16);
  const body = String(protocol.request(sixteen).body);
  const lastIsText = sixteen.map((row, r) => (r === 15 ? [...row.slice(0, -1), 'x'] : row));
  const cases: [string, Request][] = [
    ['a string as the last element', protocol.request(lastIsText as number[][])],
    ['the body cut in half', { ...protocol.request(sixteen), body: body.slice(0, body.length / 2) }],
  ];
  const url = `${server.url}${protocol.path}`;
  const lines = [
    `\nmalformed ${protocol.label} requests of 16 rows at c = 64, each run right after a valid one`,
  ];
  for (const [label, request] of cases) {
    const reference = await load(server.child, url, protocol.request(sixteen), 16, 64, SECONDS);
    const probe = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
    if (probe.status !== 400) throw new Error(`malformed (${label}) answered ${probe.status}, expected 400`);
    await probe.text();
    const before = await batchesSent(server.url);
    const run = await load(server.child, url, request, 16, 64, SECONDS);
    const sent = (await batchesSent(server.url)) - before;
    lines.push(
      `  ${label.padEnd(30)} ${fmt(run.requests).padStart(7)} req/s, ${fmt(run.cpuPerRequest).padStart(4)} CPU µs/req (valid: ${fmt(reference.requests)} req/s, ${fmt(reference.cpuPerRequest)} µs/req; ${(run.cpuPerRequest / reference.cpuPerRequest).toFixed(2)} × valid); batches run meanwhile: ${sent}`,
    );
  }
  return lines.join('\n');
}

async function serveChild([registry, maxBatchSize, inline, acceptors, ...models]: string[]): Promise<void> {
  const count = resolveAcceptors(acceptors === 'auto' ? 'auto' : Number(acceptors));
  const start = (options: ServeOptions) =>
    count > 1 ? startAcceptors({ ...options, acceptors: count }) : startServer(options);
  const server = await start({
    registry: registry as string,
    models,
    inline: inline as InlineMode,
    host: '127.0.0.1',
    port: 0,
    maxBatchSize: Number(maxBatchSize),
    // Where each model's batches run, and the timings that chose it, go into the printout.
    log: (line) => {
      if ((line as { event?: string }).event === 'inference-thread') console.log(`  ${JSON.stringify(line)}`);
    },
  });
  stopOnSignal(() => server.close());
  console.log(JSON.stringify({ url: server.url }));
}

async function bareChild([model]: string[]): Promise<void> {
  const server = await startBareServer(JSON.parse(model as string) as BareModel);
  stopOnSignal(server.close);
  console.log(JSON.stringify({ url: server.url }));
}

const mode = process.argv[2];
if (mode === '--serve-child') await serveChild(process.argv.slice(3));
else if (mode === '--bare-child') await bareChild(process.argv.slice(3));
else {
  await protocolTable();
  if (process.argv.includes('--models') || process.env.MODELGATE_BENCH_MODELS) {
    const { runModelTable } = await import('./serve-models.js');
    await runModelTable(import.meta.url);
  }
}
