/**
 * bench:shadow — what `serve --shadow --shadow-rate 1` costs the production answers.
 *
 * Three `modelgate serve` servers in child processes: the repository's penguins-species classifier
 * (staging) with a prediction log, twice alone and once with the same version's file as a shadow
 * scoring every request (rate 1, its own low-priority worker). The second plain server measures this
 * machine's noise in the same run: the two plain servers differ in nothing, so their ratio is what
 * chance alone gives. First the most one-row OIP JSON requests a second a plain server answers
 * (closed loop, 32 connections); then, at half that rate, an open-loop client (requests sent on a
 * fixed schedule, latency measured from the scheduled time, so a stalled server is not hidden) runs
 * against each server in turn, in an order that varies round by round (a Williams design: each side in each position and after each other side equally often) so drift on this shared machine
 * touches all alike, with a pause after each run so that what one server still does after its run
 * does not fall in the next one's.
 *
 * The goal: p99 with the shadow ÷ p99 without ≤ 1.10, each p99 taken over every round's requests
 * together (for "without", both plain servers' requests), with a 95% interval from resampling the
 * rounds (bench/round-bootstrap.ts): met where the whole interval is at or under 1.10, and where it
 * spans 1.10 this run cannot tell; the same interval for the two plain servers says whether the
 * machine's noise alone exceeds 10%, and the maximum load measured again after the rounds says how
 * far the machine's own capacity moved meanwhile. The same ratios are also taken round by round
 * (each round's p99 against the plain ones' in the same round, a geometric mean over rounds, so a
 * stalled round weighs as one round), with about how many rounds an interval of ±10% would need
 * at the spread this run's rounds show. Also printed: the share of requests the
 * shadow scored (a shadow that dropped everything would cost nothing), and per request the CPU
 * time and the time spent waiting for a core of the normal-priority threads (the ones answering)
 * and the CPU time of the SCHED_IDLE ones (the shadow's), from each thread's /proc schedstat, and
 * the share of the machine's cores busy during the runs (median over the rounds).
 *
 * The servers run the built JavaScript (the npm script builds first), as users run them. The first
 * times `--inline auto` as serve does; the other two are given its choice, so all three run the model
 * on the same thread (for a model whose run and hop are close, each start may choose either).
 *
 * --quick: 3 s runs, a round per side; default 6 s runs, two rounds per side (each run followed by a 2 s pause); `--rounds 4` runs four per side (the p99s are then less at the mercy of a few stalls). `--acceptors 1` runs each server as one
 * process (default: serve's own default, one acceptor per core); `--load 0.25` runs the open loop at
 * that share of the maximum instead of half; `--no-log` leaves the prediction log out; `--shadow-max-load 0.8` passes serve's flag to the shadowed server; `--pin` runs each server as one process on the second core and the client on the first (a one-CPU pod, with a client that never takes its core); `--client-nice -10` runs the client at that niceness; `--burner 0.25` adds a
 * side with a lowest-priority memory-bound process beside a plain server (see BURNER). MODELGATE_BENCH_PROF=<dir> writes the
 * servers' CPU profiles there.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  createPredictionLog,
  type InlineMode,
  resolveAcceptors,
  type ServeOptions,
  startAcceptors,
  startServer,
} from '@modelgate/serve';
import { closeOpenLoop, type OpenLoopRequest, openLoop, send } from './open-loop.js';
import { rankCorrelation } from './rank-correlation.js';
import {
  meanRoundRatio,
  pooledPercentile,
  type RatioInterval,
  ratioInterval,
  roundLogRatios,
  roundsForInterval,
} from './round-bootstrap.js';
import {
  machineTicks,
  processTree,
  serverNodeFlags,
  type ThreadPlace,
  type ThreadTime,
  ticksOf,
  treeThreadTimes,
} from './serve-harness.js';

const REGISTRY = fileURLToPath(new URL('../registry', import.meta.url));
const MODEL = 'penguins-species';
const SHADOW_FILE = join(REGISTRY, MODEL, 'versions', 'v1', 'model.onnx');
const quick = process.argv.includes('--quick');
/** `--name 0.25`: the number after a flag, or undefined when the flag is not given. */
const numberFlag = (name: string) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : undefined;
const SECONDS = quick ? 3 : 6;
/**
 * `--burner 0.25`: a fourth side, the first plain server with a SCHED_IDLE process beside it that
 * spends that share of a core running over 8 MiB of memory, as a shadow's inference does: what any
 * lowest-priority work on the same cores costs the answers on this machine, shadow or not.
 */
const BURNER = numberFlag('--burner');
const SIDE_COUNT = BURNER === undefined ? 3 : 4;
/**
 * The sides' order in each round: a Williams design, in which every side runs in every position
 * and right after every other side equally often (over n rounds for an even number of sides, 2n
 * for an odd one). A plain rotation would run each side always after the same one, so whatever a
 * run leaves behind (its log's last flush, its shadow's last batches) would always fall on the same
 * next side.
 */
function williamsOrders(n: number): number[][] {
  const first = Array.from({ length: n }, (_, i) => (i % 2 === 1 ? (i + 1) / 2 : (n - i / 2) % n));
  const rows = Array.from({ length: n }, (_, shift) => first.map((side) => (side + shift) % n));
  return n % 2 === 0 ? rows : [...rows, ...rows.map((row) => [...row].reverse())];
}

/** `--rounds 4`: rounds as a multiple of the sides (default 1 with --quick, else 2): each side runs first, second, … equally often. */
const ROUND_SETS = numberFlag('--rounds') ?? (quick ? 1 : 2);
const ROUNDS = ROUND_SETS * SIDE_COUNT;
const RUN_ORDERS = williamsOrders(SIDE_COUNT);
/**
 * The pause after each run, longer than the prediction log's flush interval (1 s): what a server
 * still does after its run (the last log flush, the shadow's queue) is its own, not the next run's.
 */
const SETTLE_MS = 2_000;
/** /proc/stat counts in USER_HZ ticks: 100 a second on Linux. */
const TICK_MS = 10;
/** A round's cell per server: `p50 / p99, steal`. */
const CELL_WIDTH = 52;
/**
 * `--pin`: the client on the first core, each server (one process, and its shadow's process) on the
 * second, as a one-core server (a pod of one CPU) with a client that never takes its core.
 */
const PIN = process.argv.includes('--pin');
/** `--acceptors 1`: one server process, as from code; default serve's own (one per core), 1 with --pin. */
const ACCEPTORS = resolveAcceptors(numberFlag('--acceptors') ?? (PIN ? 1 : 'auto'));
/** `--load 0.25`: the open loop's share of the plain server's maximum (the goal is set at 0.5). */
const LOAD = numberFlag('--load') ?? 0.5;
/** `--no-log`: both servers without a prediction log, so the shadow's logged rows cost nothing. */
const NO_LOG = process.argv.includes('--no-log');
/** `--shadow-max-load 0.8`: the shadowed server drops copies while its HTTP thread is busier than that (serve's flag). */
const SHADOW_MAX_LOAD = numberFlag('--shadow-max-load');
/** MODELGATE_BENCH_PROF=<dir>: the servers write CPU profiles (of their HTTP threads) there. */
const PROFILE_DIR = process.env.MODELGATE_BENCH_PROF;
/**
 * `--client-nice -10`: the open-loop client's thread at that niceness (lower needs root), so that its
 * own waits for a core, which every server's latency would show alike, count less.
 */
const CLIENT_NICE = numberFlag('--client-nice');

const CLIENT_CPU = '0';
const SERVER_CPU = '1';

/** Sets the client's niceness and, with --pin, its core; says what happened. */
function clientPriority(): string {
  // -a: every thread the client has already (libuv's, V8's), not only its main one.
  if (PIN)
    execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', CLIENT_CPU, String(process.pid)], {
      stdio: 'ignore',
    });
  const pinned = PIN ? `, on core ${CLIENT_CPU} (servers on core ${SERVER_CPU}, --pin)` : '';
  if (CLIENT_NICE === undefined) return `the client at normal priority${pinned}`;
  try {
    setPriority(CLIENT_NICE);
    return `the client at nice ${CLIENT_NICE}${pinned}`;
  } catch (err) {
    return `the client at normal priority (nice ${CLIENT_NICE} refused: ${(err as Error).message})${pinned}`;
  }
}

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

/** The child: one server, its URL and where it runs the model on stdout as a JSON line, closed on SIGTERM. */
async function serveChild(withShadow: boolean, inline: InlineMode): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-bench-shadow-'));
  const start = (options: ServeOptions) =>
    ACCEPTORS > 1 ? startAcceptors({ ...options, acceptors: ACCEPTORS }) : startServer(options);
  let onHttpThread: boolean | undefined;
  const server = await start({
    registry: REGISTRY,
    models: [`${MODEL}#staging`],
    port: 0,
    inline,
    log: (line) => {
      const { event, inline } = line as { event?: string; inline?: boolean };
      if (event === 'inference-thread') onHttpThread ??= inline;
    },
    ...(NO_LOG ? {} : { predictionLog: createPredictionLog({ dir }) }),
    ...(withShadow
      ? {
          shadow: {
            model: SHADOW_FILE,
            rate: 1,
            ...(SHADOW_MAX_LOAD !== undefined ? { maxLoad: SHADOW_MAX_LOAD } : {}),
          },
        }
      : {}),
  });
  process.stdout.write(`${JSON.stringify({ url: server.url, inline: onHttpThread })}\n`);
  process.once('SIGTERM', () => {
    void server
      .close()
      .then(() => rm(dir, { recursive: true, force: true }))
      .then(() => process.exit(0));
  });
}

interface Child {
  child: ChildProcess;
  url: string;
  /** Whether it runs the model on its HTTP thread (`--inline`). */
  inline: boolean;
}

async function startChild(withShadow: boolean, inline: InlineMode): Promise<Child> {
  const args = [
    ...process.execArgv,
    ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
    ...serverNodeFlags(),
    fileURLToPath(import.meta.url),
    withShadow ? '--child-shadow' : '--child-plain',
    '--inline',
    inline,
    '--acceptors',
    String(ACCEPTORS),
    ...(NO_LOG ? ['--no-log'] : []),
    ...(SHADOW_MAX_LOAD !== undefined ? ['--shadow-max-load', String(SHADOW_MAX_LOAD)] : []),
  ];
  // Threads and processes the server starts later (its shadow's process) inherit the core.
  const [command, commandArgs] = PIN
    ? ['taskset', ['--cpu-list', SERVER_CPU, process.execPath, ...args]]
    : [process.execPath, args];
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    if (line.startsWith('{')) {
      const { url, inline: onHttpThread } = JSON.parse(line) as { url: string; inline?: boolean };
      return { child, url, inline: onHttpThread ?? inline === 'always' };
    }
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

type Side = 'plain' | 'control' | 'shadowed' | 'burner';
const SIDES: readonly Side[] =
  BURNER === undefined ? ['plain', 'control', 'shadowed'] : ['plain', 'control', 'shadowed', 'burner'];
const TITLES: Record<Side, string> = {
  plain: 'no shadow',
  control: 'no shadow, second server',
  shadowed: 'shadow rate 1',
  burner: `no shadow, idle burner ${BURNER}`,
};

/** The --burner process: SCHED_IDLE, `share` of every 10 ms spent writing over 8 MiB, asleep the rest. */
function startBurner(share: number): ChildProcess {
  const code = `const on = ${share * 10}; const b = new Float64Array(1 << 20);
    for (;;) { const t = performance.now(); while (performance.now() - t < on) for (let i = 0; i < b.length; i += 8) b[i] += 1;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, 10 - on)); }`;
  return spawn('chrt', ['--idle', '0', process.execPath, '-e', code], { stdio: 'ignore' });
}

/** What one server did over the measured runs. */
interface Tally {
  /** Each round's latencies, sorted. */
  rounds: Float64Array[];
  failed: number;
  cpu: { main: number; all: number };
  threads: { normal: ThreadTime; idle: ThreadTime };
  /** Normal-priority time on a core by place in the server's process tree. */
  places: Map<ThreadPlace, number>;
  /** The share of the machine's cores busy during each run (the client and everything else included). */
  machineBusy: number[];
  /** Per run: the host's steal during it (ms) and its p99 (ms), to see how far one follows the other. */
  runs: { stolenMs: number; p99: number }[];
}

const newTally = (): Tally => ({
  rounds: [],
  failed: 0,
  cpu: { main: 0, all: 0 },
  threads: { normal: { runNs: 0, waitNs: 0 }, idle: { runNs: 0, waitNs: 0 } },
  places: new Map(),
  machineBusy: [],
  runs: [],
});

function addTimes(into: ThreadTime, after: ThreadTime, before: ThreadTime): void {
  into.runNs += after.runNs - before.runNs;
  into.waitNs += after.waitNs - before.waitNs;
}

/** The goal: the shadowed server's p99 at most this many times the plain one's. */
const GOAL = 1.1;

/**
 * Below this many rounds a bootstrap over rounds has too few distinct resamples to be trusted (3
 * rounds give 10): the interval comes out too narrow, so no verdict is given.
 */
const VERDICT_ROUNDS = 10;

/** Met only where the whole interval is at or under the goal; missed only where all of it is over. */
function verdict({ low, high }: RatioInterval): string {
  if (ROUNDS < VERDICT_ROUNDS) return `cannot tell (${ROUNDS} rounds; a verdict takes ${VERDICT_ROUNDS})`;
  if (high <= GOAL) return 'met';
  if (low > GOAL) return 'NOT met';
  return 'cannot tell (the interval spans it)';
}

/** printBySteal's limits: the most steal (ms) any server may have had in a round that it counts. */
const STEAL_LIMITS = [10, 100, 500];

/**
 * The per-round ratios again over the rounds in which no server had more than a limit of steal:
 * how the shadow's cost moves with what the host takes away (a split after the fact, so a lead for
 * the next run, not a verdict).
 */
function printBySteal(
  runs: readonly (readonly { stolenMs: number }[])[],
  shadowLogs: readonly number[],
  noiseLogs: readonly number[],
  interval: (ratio: RatioInterval) => string,
): void {
  const worst = shadowLogs.map((_, i) => Math.max(...runs.map((side) => side[i]?.stolenMs ?? 0)));
  console.log('  the same, over the rounds in which no server had more steal than:');
  for (const limit of STEAL_LIMITS) {
    const picked = worst.flatMap((stolen, i) => (stolen <= limit ? [i] : []));
    if (picked.length < 10) {
      console.log(`    ${limit} ms: ${picked.length} rounds, too few`);
      continue;
    }
    const shadow = meanRoundRatio(picked.map((i) => shadowLogs[i] as number));
    const noise = meanRoundRatio(picked.map((i) => noiseLogs[i] as number));
    console.log(
      `    ${limit} ms: ${picked.length} rounds, shadow ÷ plain ${shadow.ratio.toFixed(3)} (${interval(shadow)}), second ÷ first plain ${noise.ratio.toFixed(3)} (${interval(noise)})`,
    );
  }
}

async function main(): Promise<void> {
  const client = clientPriority();
  // A second plain server: its ratio to the first is what this machine's noise alone gives, in the same run.
  // The first server times `--inline auto` as users run it; the others are given its choice, so
  // that all three run the model on the same thread (a close timing may choose either, by chance).
  const plain = await startChild(false, 'auto');
  const same: InlineMode = plain.inline ? 'always' : 'never';
  const servers: Record<Side, Child> = {
    plain,
    control: await startChild(false, same),
    shadowed: await startChild(true, same),
    // The same server as plain: only the burner beside it differs.
    burner: plain,
  };
  try {
    for (const side of SIDES) if (side !== 'burner') await maxRate(servers[side].url, 16, 1);
    const max = await maxRate(servers.plain.url, 32, SECONDS);
    const rate = Math.max(1, Math.floor(max * LOAD));
    console.log(
      `servers: ${ACCEPTORS > 1 ? `${ACCEPTORS} acceptor processes each (serve's default)` : 'one process each (--acceptors 1)'}, ${NO_LOG ? 'no prediction log (--no-log)' : 'with a prediction log'}; ${client}`,
    );
    console.log(
      `the model runs ${plain.inline ? 'on the HTTP thread' : 'on the inference workers'} in all three (the first server's --inline auto choice, given to the others as --inline ${same})`,
    );
    console.log(`max load without a shadow: ${max.toFixed(0)} requests/s (1-row OIP JSON, 32 connections)`);
    console.log(`open loop at ${LOAD} of it: ${rate} requests/s, ${SECONDS} s runs, ${ROUNDS} rounds\n`);
    console.log(
      `round  ${SIDES.map((side) => `${TITLES[side]}: p50 / p99, host's steal`.padEnd(CELL_WIDTH)).join('')}`,
    );
    const tally: Record<Side, Tally> = {
      plain: newTally(),
      control: newTally(),
      shadowed: newTally(),
      burner: newTally(),
    };
    const why: Record<string, number> = {};
    const measured = async (side: Side) => {
      const pid = servers[side].child.pid as number;
      const [cpuBefore, threadsBefore, machineBefore] = [
        cpuSeconds(pid),
        treeThreadTimes(pid),
        machineTicks(),
      ];
      const burner = side === 'burner' ? startBurner(BURNER as number) : undefined;
      const result = await openLoop(inferUrl(servers[side].url), REQUEST, rate, SECONDS);
      const machineAfter = machineTicks();
      if (burner) await stopChild(burner);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const [cpuAfter, threadsAfter] = [cpuSeconds(pid), treeThreadTimes(pid)];
      const t = tally[side];
      t.cpu.main += cpuAfter.main - cpuBefore.main;
      t.cpu.all += cpuAfter.all - cpuBefore.all;
      addTimes(t.threads.normal, threadsAfter.normal, threadsBefore.normal);
      addTimes(t.threads.idle, threadsAfter.idle, threadsBefore.idle);
      for (const [place, after] of threadsAfter.byPlace) {
        const before = threadsBefore.byPlace.get(place)?.runNs ?? 0;
        t.places.set(place, (t.places.get(place) ?? 0) + after.runNs - before);
      }
      t.machineBusy.push(
        (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
      );
      t.runs.push({ stolenMs: (machineAfter.steal - machineBefore.steal) * TICK_MS, p99: result.p99 });
      t.rounds.push(Float64Array.from(result.latencies));
      t.failed += result.failed;
      for (const [reason, n] of Object.entries(result.failures))
        why[`${TITLES[side]}: ${reason}`] = (why[`${TITLES[side]}: ${reason}`] ?? 0) + n;
      return result;
    };
    // A run each at the measured rate first: JIT and the first log flushes are not what is measured.
    for (const side of SIDES)
      if (side !== 'burner') await openLoop(inferUrl(servers[side].url), REQUEST, rate, 2);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const shadowBefore = {
      scored: await metric(servers.shadowed.url, 'modelgate_shadow_requests_total', 'outcome="scored"'),
      dropped: await metric(servers.shadowed.url, 'modelgate_shadow_dropped_total'),
    };
    for (let round = 1; round <= ROUNDS; round++) {
      const order = (RUN_ORDERS[(round - 1) % RUN_ORDERS.length] as number[]).map((i) => SIDES[i] as Side);
      const results = {} as Record<Side, Awaited<ReturnType<typeof openLoop>>>;
      for (const side of order) results[side] = await measured(side);
      const cell = (side: Side) =>
        `${ms(results[side].p50)} / ${ms(results[side].p99)}, steal ${tally[side].runs.at(-1)?.stolenMs ?? 0} ms`.padEnd(
          CELL_WIDTH,
        );
      console.log(`${String(round).padStart(5)}  ${SIDES.map(cell).join('')}`);
    }
    const offered = rate * SECONDS * ROUNDS;
    const scored =
      (await metric(servers.shadowed.url, 'modelgate_shadow_requests_total', 'outcome="scored"')) -
      shadowBefore.scored;
    const dropped =
      (await metric(servers.shadowed.url, 'modelgate_shadow_dropped_total')) - shadowBefore.dropped;
    console.log(
      `\nshadow: scored ${scored} requests (${((100 * scored) / offered).toFixed(1)}% of the open-loop ones), dropped ${dropped}`,
    );
    const failed = SIDES.reduce((n, side) => n + tally[side].failed, 0);
    console.log(`failed answers: ${failed}${failed > 0 ? ` (${JSON.stringify(why)})` : ''}`);
    const us = (value: number) => `${value.toFixed(0)} µs`;
    console.log(
      '\nper request       CPU: HTTP threads / whole server   normal-priority threads: on a core / waiting   SCHED_IDLE threads on a core   machine busy',
    );
    for (const side of SIDES) {
      const t = tally[side];
      const per = (ns: number) => us(ns / 1e3 / offered);
      console.log(
        `${TITLES[side].padEnd(26)} ${us((t.cpu.main * 1e6) / offered).padStart(7)} / ${us((t.cpu.all * 1e6) / offered).padEnd(8)}   ${per(t.threads.normal.runNs).padStart(20)} / ${per(t.threads.normal.waitNs).padEnd(8)}   ${per(t.threads.idle.runNs).padStart(14)}   ${(100 * median(t.machineBusy)).toFixed(0).padStart(10)}%`,
      );
    }
    console.log(
      `\nnormal-priority threads on a core, µs per request, by place (${ACCEPTORS > 1 ? 'primary: the process of depth 0, acceptors 1' : 'the server: depth 0'}; shadow processes are SCHED_IDLE)`,
    );
    for (const side of SIDES) {
      const places = [...tally[side].places].sort(([a], [b]) => a.localeCompare(b));
      const cells = places.map(([place, ns]) => `depth ${place} ${us(ns / 1e3 / offered)}`);
      console.log(`${TITLES[side].padEnd(26)} ${cells.join(', ')}`);
    }
    console.log(
      `\nthe host's steal during the runs (this machine's cores taken away, all alike): ${SIDES.map((side) => `${TITLES[side]} ${tally[side].runs.reduce((sum, r) => sum + r.stolenMs, 0)} ms`).join(', ')}`,
    );
    const runs = SIDES.flatMap((side) => tally[side].runs);
    const followed = rankCorrelation(
      runs.map((r) => r.stolenMs),
      runs.map((r) => r.p99),
    );
    console.log(
      `  a run's p99 against the steal during it, rank correlation over the ${runs.length} runs: ${Number.isNaN(followed) ? '– (no steal, or no spread)' : followed.toFixed(2)} (1: the more the host took, the slower the tail; 0: unrelated)`,
    );
    const pooledP99 = (side: Side) => pooledPercentile([tally[side].rounds], 99);
    const p99 = { plain: pooledP99('plain'), control: pooledP99('control'), shadowed: pooledP99('shadowed') };
    const interval = ({ low, high }: RatioInterval) =>
      `95% interval over rounds ${low.toFixed(2)}-${high.toFixed(2)}`;
    console.log(
      `\np99 of every round's requests together: no shadow ${ms(p99.plain)}, second no shadow ${ms(p99.control)}, shadow ${ms(p99.shadowed)}`,
    );
    const noise = ratioInterval([tally.control.rounds], [tally.plain.rounds], 99);
    console.log(
      `  the machine's noise, second ÷ first plain server: ${noise.ratio.toFixed(3)} (${interval(noise)})`,
    );
    // Both plain servers' requests together: the best estimate of the plain p99 this run can give.
    const plainSides = [tally.plain.rounds, tally.control.rounds];
    const plainP99 = pooledPercentile(plainSides, 99);
    const shadow = ratioInterval([tally.shadowed.rounds], plainSides, 99);
    console.log(
      `  shadow ÷ both plain servers' requests together (${ms(plainP99)}): ${shadow.ratio.toFixed(3)} (${interval(shadow)}); goal ≤ ${GOAL.toFixed(2)}: ${verdict(shadow)}`,
    );
    // Each round's p99 against the plain ones' in the same round: one stalled round weighs as one round, not as its whole tail.
    const noiseLogs = roundLogRatios(tally.control.rounds, [tally.plain.rounds], 99);
    const shadowLogs = roundLogRatios(tally.shadowed.rounds, plainSides, 99);
    const [noiseByRound, shadowByRound] = [meanRoundRatio(noiseLogs), meanRoundRatio(shadowLogs)];
    console.log(
      `
each round's p99 ÷ the plain servers' in the same round, geometric mean over rounds:
  second ÷ first plain server: ${noiseByRound.ratio.toFixed(3)} (${interval(noiseByRound)})
  shadow ÷ both plain servers: ${shadowByRound.ratio.toFixed(3)} (${interval(shadowByRound)}); goal ≤ ${GOAL.toFixed(2)}: ${verdict(shadowByRound)}`,
    );
    printBySteal(
      SIDES.map((side) => tally[side].runs),
      shadowLogs,
      noiseLogs,
      interval,
    );
    const needed = roundsForInterval(shadowLogs, GOAL);
    const roundSeconds = SIDE_COUNT * (SECONDS + SETTLE_MS / 1000);
    console.log(
      `  rounds a ±${Math.round((GOAL - 1) * 100)}% interval would need at the spread of this run's rounds: about ${needed} (${Math.ceil((needed * roundSeconds) / 60)} minutes of runs; this run had ${ROUNDS})`,
    );
    const maxAfter = await maxRate(servers.plain.url, 32, SECONDS);
    console.log(
      `  the machine's capacity: max load without a shadow ${max.toFixed(0)} requests/s before the rounds, ${maxAfter.toFixed(0)} after`,
    );
    if (BURNER !== undefined) {
      const burner = ratioInterval([tally.burner.rounds], plainSides, 99);
      const burnerByRound = meanRoundRatio(roundLogRatios(tally.burner.rounds, plainSides, 99));
      console.log(
        `  no shadow with the idle burner beside it (${ms(pooledP99('burner'))}) ÷ both plain servers: ${burner.ratio.toFixed(3)} (${interval(burner)}) pooled, ${burnerByRound.ratio.toFixed(3)} (${interval(burnerByRound)}) round by round`,
      );
    }
  } finally {
    closeOpenLoop();
    await Promise.all([plain, servers.control, servers.shadowed].map((server) => stopChild(server.child)));
  }
}

const childInline = () => process.argv[process.argv.indexOf('--inline') + 1] as InlineMode;
if (process.argv.includes('--child-plain')) await serveChild(false, childInline());
else if (process.argv.includes('--child-shadow')) await serveChild(true, childInline());
else await main();
