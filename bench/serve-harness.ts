/**
 * What bench:serve's tables share: child processes for the servers under test
 * (so their CPU can be told apart from the load generator's), one measured
 * load run, and the printout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type LoadGenerator, loadGenerator, type Request } from './serve-load.js';

export const generator: LoadGenerator = loadGenerator();

const TICKS = 100;

function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone meanwhile
  }
}

/** The processes of a tree, the root first (`serve --acceptors` runs one process per acceptor). */
export function processTree(root: number): number[] {
  return [...processDepths(root).keys()];
}

/** The processes of a tree with their depth below the root (the root 0), the root first. */
function processDepths(root: number): Map<number, number> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const fields = statFields(name);
    if (!fields) continue;
    const parent = Number(fields[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
  }
  const out = new Map<number, number>();
  const stack: [number, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [pid, depth] = stack.pop() as [number, number];
    out.set(pid, depth);
    for (const child of children.get(pid) ?? []) stack.push([child, depth + 1]);
  }
  return out;
}

/** CPU ticks (user + system) of a process, all threads; with `thread`, of that thread only. */
export function ticksOf(pid: number, thread?: number): number {
  const fields = statFields(thread === undefined ? pid : `${pid}/task/${thread}`);
  return fields ? Number(fields[11]) + Number(fields[12]) : 0;
}

/**
 * Nanoseconds the threads of a process and its descendants spent runnable but waiting for a core
 * (the second field of each thread's /proc schedstat): what a busy machine adds to a request's time.
 */
export function treeRunQueueWaitNs(root: number): number {
  const { normal, idle } = treeThreadTimes(root);
  return normal.waitNs + idle.waitNs;
}

/** Nanoseconds on a core and waiting for one. */
export interface ThreadTime {
  runNs: number;
  waitNs: number;
}

/** SCHED_IDLE, the policy a shadow's threads run under (field 41 of /proc/<pid>/task/<tid>/stat). */
const SCHED_IDLE = 5;

/** Where in a server's process tree a normal-priority thread runs: its process's depth, main thread or not. */
export type ThreadPlace = `${number} ${'main' | 'other'}`;

/**
 * Time on a core and waiting for one (each thread's /proc schedstat) of a process tree's threads,
 * apart for the normal-priority ones (what answers requests) and the SCHED_IDLE ones (a shadow's);
 * the normal ones also by place (`byPlace`: the process's depth in the tree, its main thread or the others).
 */
export function treeThreadTimes(root: number): {
  normal: ThreadTime;
  idle: ThreadTime;
  byPlace: Map<ThreadPlace, ThreadTime>;
} {
  const normal = { runNs: 0, waitNs: 0 };
  const idle = { runNs: 0, waitNs: 0 };
  const byPlace = new Map<ThreadPlace, ThreadTime>();
  for (const [pid, depth] of processDepths(root)) {
    let threads: string[];
    try {
      threads = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // gone meanwhile
    }
    for (const tid of threads) {
      const policy = Number(statFields(`${pid}/task/${tid}`)?.[38]);
      try {
        const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ');
        const into = policy === SCHED_IDLE ? idle : normal;
        into.runNs += Number(run);
        into.waitNs += Number(wait);
        if (policy === SCHED_IDLE) continue;
        const place: ThreadPlace = `${depth} ${tid === String(pid) ? 'main' : 'other'}`;
        const at = byPlace.get(place) ?? { runNs: 0, waitNs: 0 };
        at.runNs += Number(run);
        at.waitNs += Number(wait);
        byPlace.set(place, at);
      } catch {
        // gone meanwhile
      }
    }
  }
  return { normal, idle, byPlace };
}

/** CPU ticks of a process and its descendants. */
export function treeTicks(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + ticksOf(pid), 0);
}

/**
 * The machine's CPU ticks since boot, all cores: busy (not idle nor waiting for I/O), in all, and
 * stolen (a virtual machine's cores taken by its host: every process here stalls alike meanwhile).
 */
export function machineTicks(): { busy: number; total: number; steal: number } {
  const machine = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1).map(Number);
  const total = machine.reduce((a, b) => a + b, 0);
  return { busy: total - (machine[3] ?? 0) - (machine[4] ?? 0), total, steal: machine[7] ?? 0 };
}

/** CPU seconds of a process (all its threads and child processes), and of the whole machine. */
function cpuSample(child: ChildProcess): { process: number; busy: number } {
  const ticks = treeTicks(child.pid as number);
  return { process: ticks / TICKS, busy: machineTicks().busy / TICKS };
}

export interface Load {
  concurrency: number;
  requests: number;
  rowsPerSecond: number;
  p50: number;
  p99: number;
  failed: number;
  /** Cores busy on average: the server, the load generator, everything else on the machine. */
  cores: { server: number; client: number; other: number };
  /** CPU µs the server process spent per request. */
  cpuPerRequest: number;
}

/** One load run against the server in `child`, with the CPU each side used. */
export async function load(
  child: ChildProcess,
  url: string,
  request: Request,
  rows: number,
  concurrency: number,
  seconds: number,
): Promise<Load> {
  const before = cpuSample(child);
  const started = performance.now();
  const result = await generator.run(url, request, concurrency, seconds);
  const wall = (performance.now() - started) / 1000;
  const after = cpuSample(child);
  const server = (after.process - before.process) / wall;
  const client = result.cpuSeconds / wall;
  return {
    concurrency,
    requests: result.requestsPerSecond,
    rowsPerSecond: result.requestsPerSecond * rows,
    p50: result.p50,
    p99: result.p99,
    failed: result.failed,
    cores: { server, client, other: Math.max(0, (after.busy - before.busy) / wall - server - client) },
    cpuPerRequest: result.requestsPerSecond > 0 ? (server / result.requestsPerSecond) * 1e6 : 0,
  };
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Runs this bench's entry file again as `--<mode> ...args` in its own process; it prints one JSON
 * line with its url once listening.
 */
/** `MODELGATE_BENCH_SERVER_FLAGS`: node flags for the server under test (and its acceptors), to try one. */
export function serverNodeFlags(): string[] {
  return (process.env.MODELGATE_BENCH_SERVER_FLAGS ?? '').split(/\s+/).filter((flag) => flag.length > 0);
}

export async function startChild(
  entry: string,
  mode: string,
  args: readonly string[],
  nodeArgs: readonly string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const perf = process.env.MODELGATE_BENCH_PERF;
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      ...(perf ? ['--perf-basic-prof'] : []),
      ...nodeArgs,
      fileURLToPath(entry),
      `--${mode}`,
      ...args,
    ],
    // With --perf-basic-prof V8 also writes isolate-*-v8.log files into the working directory.
    { stdio: ['pipe', 'pipe', 'inherit'], ...(perf ? { cwd: tmpdir() } : {}) },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    if (line.startsWith('{')) return { child, url: (JSON.parse(line) as { url: string }).url };
    console.log(line);
  }
  throw new Error(`the --${mode} process exited before listening`);
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** In a child: stop on SIGTERM or when the parent goes away (stdin closes). */
export function stopOnSignal(close: () => Promise<void>): void {
  const stop = () => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.stdin.on('end', stop).resume();
}

export function printRuns(title: string, runs: readonly Load[]): void {
  console.log(`\n${title}`);
  console.log(
    '  c    req/s     rows/s   p50 ms   p99 ms   failed   cores: server client other   server CPU µs/request',
  );
  for (const r of runs) {
    console.log(
      `  ${String(r.concurrency).padStart(2)} ${fmt(r.requests).padStart(8)} ${fmt(r.rowsPerSecond).padStart(10)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.failed).padStart(8)}   ${r.cores.server.toFixed(2).padStart(13)} ${r.cores.client.toFixed(2).padStart(6)} ${r.cores.other.toFixed(2).padStart(5)}   ${fmt(r.cpuPerRequest).padStart(21)}`,
    );
  }
}

/** xorshift32: seeded weights and rows, so every run serves and sends the same. */
export function seededUniform(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000 - 0.5;
  };
}
