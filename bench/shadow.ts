/**
 * bench:shadow — what `serve --shadow --shadow-rate 1` costs the production answers.
 *
 * Two `modelgate serve` servers in child processes, the same in all but the shadow: the repository's
 * penguins-species classifier (staging) with a prediction log, one with the same version's file as
 * a shadow scoring every request (rate 1, its own niced worker). First the most one-row OIP JSON
 * requests a second the plain server answers (closed loop, 32 connections); then, at half that
 * rate, an open-loop client (requests sent on a fixed schedule, latency measured from the scheduled
 * time, so a stalled server is not hidden) runs against each server in turn, alternating run by run
 * so drift on this shared machine touches both alike, with a pause after each run so that what one
 * server still does after its run does not fall in the other's.
 *
 * The goal: p99 with the shadow ÷ p99 without ≤ 1.10 (medians over the runs). Also printed: the
 * share of requests the shadow scored (a shadow that dropped everything would cost nothing).
 *
 * The servers run the built JavaScript (the npm script builds first), as users run them.
 *
 * --quick: 3 s runs, 4 rounds; default 6 s runs, 6 rounds (each run followed by a 2 s pause). `--acceptors 1` runs each server as one
 * process (default: serve's own default, one acceptor per core); `--load 0.25` runs the open loop at
 * that share of the maximum instead of half; `--no-log` leaves the prediction log out. MODELGATE_BENCH_PROF=<dir> writes the
 * servers' CPU profiles there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  createPredictionLog,
  resolveAcceptors,
  type ServeOptions,
  startAcceptors,
  startServer,
} from '@modelgate/serve';
import { closeOpenLoop, type OpenLoopRequest, openLoop, percentile, send } from './open-loop.js';
import { processTree, serverNodeFlags, ticksOf } from './serve-harness.js';

const REGISTRY = fileURLToPath(new URL('../registry', import.meta.url));
const MODEL = 'penguins-species';
const SHADOW_FILE = join(REGISTRY, MODEL, 'versions', 'v1', 'model.onnx');
const quick = process.argv.includes('--quick');
const SECONDS = quick ? 3 : 6;
// An even number: each server runs first in half the rounds and second in the other half.
const ROUNDS = quick ? 4 : 6;
/**
 * The pause after each run, longer than the prediction log's flush interval (1 s): what a server
 * still does after its run (the last log flush, the shadow's queue) is its own, not the next run's.
 */
const SETTLE_MS = 2_000;
/** `--acceptors 1`: one server process, as from code; default serve's own (one per core). */
const ACCEPTORS = resolveAcceptors(
  process.argv.includes('--acceptors')
    ? Number(process.argv[process.argv.indexOf('--acceptors') + 1])
    : 'auto',
);
/** `--load 0.25`: the open loop's share of the plain server's maximum (the goal is set at 0.5). */
const LOAD = process.argv.includes('--load') ? Number(process.argv[process.argv.indexOf('--load') + 1]) : 0.5;
/** `--no-log`: both servers without a prediction log, so the shadow's logged rows cost nothing. */
const NO_LOG = process.argv.includes('--no-log');
/** MODELGATE_BENCH_PROF=<dir>: the servers write CPU profiles (of their HTTP threads) there. */
const PROFILE_DIR = process.env.MODELGATE_BENCH_PROF;

const BODY = JSON.stringify({
  inputs: [
    { name: 'Island', datatype: 'BYTES', shape: [1, 1], data: ['Biscoe'] },
    { name: 'Beak Length (mm)', datatype: 'FP32', shape: [1, 1], data: [39.1] },
    { name: 'Beak Depth (mm)', datatype: 'FP32', shape: [1, 1], data: [18.7] },
    { name: 'Flipper Length (mm)', datatype: 'FP32', shape: [1, 1], data: [181] },
    { name: 'Body Mass (g)', datatype: 'FP32', shape: [1, 1], data: [3750] },
    { name: 'Sex', datatype: 'BYTES', shape: [1, 1], data: ['MALE'] },
  ],
});

/** The child: one server, its URL on stdout as a JSON line, closed on SIGTERM. */
async function serveChild(withShadow: boolean): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-bench-shadow-'));
  const start = (options: ServeOptions) =>
    ACCEPTORS > 1 ? startAcceptors({ ...options, acceptors: ACCEPTORS }) : startServer(options);
  const server = await start({
    registry: REGISTRY,
    models: [`${MODEL}#staging`],
    port: 0,
    ...(NO_LOG ? {} : { predictionLog: createPredictionLog({ dir }) }),
    ...(withShadow ? { shadow: { model: SHADOW_FILE, rate: 1 } } : {}),
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  process.once('SIGTERM', () => {
    void server
      .close()
      .then(() => rm(dir, { recursive: true, force: true }))
      .then(() => process.exit(0));
  });
}

async function startChild(withShadow: boolean): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
      ...serverNodeFlags(),
      fileURLToPath(import.meta.url),
      withShadow ? '--child-shadow' : '--child-plain',
      '--acceptors',
      String(ACCEPTORS),
      ...(NO_LOG ? ['--no-log'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    if (line.startsWith('{')) return { child, url: (JSON.parse(line) as { url: string }).url };
  }
  throw new Error('a server child exited before listening');
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}

const REQUEST: OpenLoopRequest = {
  method: 'POST',
  body: BODY,
  headers: { 'content-type': 'application/json' },
};

const inferUrl = (base: string) => new URL(`${base}/v2/models/${MODEL}/infer`);

/** Closed loop: the most requests a second `connections` clients get answered. */
async function maxRate(base: string, connections: number, seconds: number): Promise<number> {
  const url = inferUrl(base);
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        if ((await send(url, REQUEST)) === 200) done++;
      }
    }),
  );
  return done / seconds;
}

async function metric(base: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) && line.includes(labels)) sum += Number(line.split(' ').pop());
  }
  return sum;
}

const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) of the HTTP threads (the main thread of each acceptor process, or of
 * the one process) and of the whole server (every process and thread: with --acceptors the
 * primary, which writes the prediction log, and every inference and shadow thread).
 */
function cpuSeconds(pid: number): { main: number; all: number } {
  const tree = processTree(pid);
  const acceptors = tree.length > 1 ? tree.slice(1) : tree;
  return {
    main: acceptors.reduce((sum, p) => sum + ticksOf(p, p), 0) / TICKS_PER_SECOND,
    all: tree.reduce((sum, p) => sum + ticksOf(p), 0) / TICKS_PER_SECOND,
  };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function main(): Promise<void> {
  const plain = await startChild(false);
  const shadowed = await startChild(true);
  try {
    await maxRate(plain.url, 16, 1);
    await maxRate(shadowed.url, 16, 1);
    const max = await maxRate(plain.url, 32, SECONDS);
    const rate = Math.max(1, Math.floor(max * LOAD));
    console.log(
      `servers: ${ACCEPTORS > 1 ? `${ACCEPTORS} acceptor processes each (serve's default)` : 'one process each (--acceptors 1)'}, ${NO_LOG ? 'no prediction log (--no-log)' : 'with a prediction log'}`,
    );
    console.log(`max load without a shadow: ${max.toFixed(0)} requests/s (1-row OIP JSON, 32 connections)`);
    console.log(`open loop at ${LOAD} of it: ${rate} requests/s, ${SECONDS} s runs, ${ROUNDS} rounds\n`);
    console.log('round  no shadow p50 / p99        shadow rate 1 p50 / p99     p99 ratio');
    const ratios: number[] = [];
    const cpu = { plain: { main: 0, all: 0 }, shadowed: { main: 0, all: 0 } };
    const measured = async (server: typeof plain, key: 'plain' | 'shadowed') => {
      const before = cpuSeconds(server.child.pid as number);
      const result = await openLoop(inferUrl(server.url), REQUEST, rate, SECONDS);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const after = cpuSeconds(server.child.pid as number);
      cpu[key].main += after.main - before.main;
      cpu[key].all += after.all - before.all;
      return result;
    };
    const p99s = { plain: [] as number[], shadowed: [] as number[] };
    const pooled = { plain: [] as number[], shadowed: [] as number[] };
    // A run each at the measured rate first: JIT and the first log flushes are not what is measured.
    await openLoop(inferUrl(plain.url), REQUEST, rate, 2);
    await openLoop(inferUrl(shadowed.url), REQUEST, rate, 2);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    let failed = 0;
    const why: Record<string, number> = {};
    const shadowBefore = {
      scored: await metric(shadowed.url, 'modelgate_shadow_requests_total', 'outcome="scored"'),
      dropped: await metric(shadowed.url, 'modelgate_shadow_dropped_total'),
    };
    for (let round = 1; round <= ROUNDS; round++) {
      const [first, second] = round % 2 === 1 ? [plain, shadowed] : [shadowed, plain];
      const a = await measured(first, first === plain ? 'plain' : 'shadowed');
      const b = await measured(second, second === plain ? 'plain' : 'shadowed');
      const [p, s] = first === plain ? [a, b] : [b, a];
      failed += p.failed + s.failed;
      for (const [side, result] of [
        ['no shadow', p],
        ['shadow', s],
      ] as const) {
        for (const [reason, n] of Object.entries(result.failures))
          why[`${side}: ${reason}`] = (why[`${side}: ${reason}`] ?? 0) + n;
      }
      p99s.plain.push(p.p99);
      p99s.shadowed.push(s.p99);
      for (const v of p.latencies) pooled.plain.push(v);
      for (const v of s.latencies) pooled.shadowed.push(v);
      ratios.push(s.p99 / p.p99);
      console.log(
        `${String(round).padStart(5)}  ${ms(p.p50).padStart(9)} / ${ms(p.p99).padEnd(12)}  ${ms(s.p50).padStart(9)} / ${ms(s.p99).padEnd(12)}  ${(s.p99 / p.p99).toFixed(3)}`,
      );
    }
    const offered = rate * SECONDS * ROUNDS;
    const scored =
      (await metric(shadowed.url, 'modelgate_shadow_requests_total', 'outcome="scored"')) -
      shadowBefore.scored;
    const dropped = (await metric(shadowed.url, 'modelgate_shadow_dropped_total')) - shadowBefore.dropped;
    const ratio = median(p99s.shadowed) / median(p99s.plain);
    console.log(
      `\nshadow: scored ${scored} requests (${((100 * scored) / offered).toFixed(1)}% of the open-loop ones), dropped ${dropped}`,
    );
    console.log(`failed answers: ${failed}${failed > 0 ? ` (${JSON.stringify(why)})` : ''}`);
    const perRequest = (seconds: number) => `${((seconds * 1e6) / offered).toFixed(0)} µs`;
    console.log(
      `server CPU per request, HTTP thread${ACCEPTORS > 1 ? 's' : ''} / whole server: no shadow ${perRequest(cpu.plain.main)} / ${perRequest(cpu.plain.all)}, shadow ${perRequest(cpu.shadowed.main)} / ${perRequest(cpu.shadowed.all)}`,
    );
    const pooledP99 = (values: number[]) =>
      percentile(
        values.sort((a, b) => a - b),
        99,
      );
    const [plainPooled, shadowPooled] = [pooledP99(pooled.plain), pooledP99(pooled.shadowed)];
    console.log(
      `p99 of every round's requests together: no shadow ${ms(plainPooled)}, shadow ${ms(shadowPooled)}, ratio ${(shadowPooled / plainPooled).toFixed(3)}`,
    );
    console.log(
      `p99 with shadow ÷ without (medians over rounds): ${ratio.toFixed(3)} (median of per-round ratios ${median(ratios).toFixed(3)}); goal ≤ 1.10: ${ratio <= 1.1 ? 'met' : 'NOT met'}`,
    );
  } finally {
    closeOpenLoop();
    await Promise.all([stopChild(plain.child), stopChild(shadowed.child)]);
  }
}

if (process.argv.includes('--child-plain')) await serveChild(false);
else if (process.argv.includes('--child-shadow')) await serveChild(true);
else await main();
