/**
 * bench:shadow-handover — what handing copies to the shadow costs the HTTP thread, without HTTP.
 *
 * The shadow runner of `serve --shadow --shadow-rate 1` with its real shadow process (the
 * repository's penguins-species classifier shadowing itself), offered one-row copies at a steady
 * rate from this process's main thread, as a server's HTTP thread offers them. Phases alternate
 * with the same loop offering nothing (the reference, in the same run): the difference in this
 * thread's CPU time (its /proc schedstat) per copy is what offering, batching, handing over and
 * taking the results back cost. Also printed: the shadow process's CPU per copy and the copies a
 * hand-over carried.
 *
 * `--window <ms>` gathers copies for that long (default: the runner's own, SHADOW_LIMITS);
 * `--log` adds a prediction log (the shadow's process then appends its lines to it itself);
 * `--rate <copies/s>` (default 2000, an acceptor's share at bench:shadow's half load).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { createPredictionLog } from '../packages/serve/src/prediction-log/index.js';
import { loadModelVersion, resolveModelRef } from '../packages/serve/src/server/models.js';
import { serveSettings } from '../packages/serve/src/server/options.js';
import { ShadowMetrics } from '../packages/serve/src/server/shadow/metrics.js';
import { SHADOW_LIMITS, ShadowRunner } from '../packages/serve/src/server/shadow/shadow-runner.js';
import type { TensorData } from '../packages/serve/src/server/tensor.js';

const REGISTRY = fileURLToPath(new URL('../registry', import.meta.url));
const MODEL = 'penguins-species#staging';
const flag = (name: string) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : undefined;
const WINDOW_MS = flag('--window');
const RATE = flag('--rate') ?? 2000;
const WITH_LOG = process.argv.includes('--log');
const PHASE_SECONDS = 3;
const ROUNDS = 4;
/** Copies offered per 1 ms tick of the loop. */
const PER_TICK = Math.max(1, Math.round(RATE / 1000));

/** A request's inputs as the HTTP layer hands them over: fresh arrays per request. */
const request = (): TensorData[] => [
  { name: 'Island', type: 'string', dims: [1, 1], data: ['Biscoe'] },
  { name: 'Beak Length (mm)', type: 'float32', dims: [1, 1], data: Float32Array.of(39.1) },
  { name: 'Beak Depth (mm)', type: 'float32', dims: [1, 1], data: Float32Array.of(18.7) },
  { name: 'Flipper Length (mm)', type: 'float32', dims: [1, 1], data: Float32Array.of(181) },
  { name: 'Body Mass (g)', type: 'float32', dims: [1, 1], data: Float32Array.of(3750) },
  { name: 'Sex', type: 'string', dims: [1, 1], data: ['MALE'] },
];

/** Microseconds a thread has run (the first field of its schedstat). */
async function threadMicros(pid: number, tid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
  return Number(text.split(' ')[0]) / 1000;
}

async function processMicros(pid: number): Promise<number> {
  let total = 0;
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    total += await threadMicros(pid, Number(tid)).catch(() => 0); // a thread gone meanwhile
  }
  return total;
}

async function main(): Promise<void> {
  if (WINDOW_MS !== undefined) SHADOW_LIMITS.batchWindowMs = WINDOW_MS;
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-bench-handover-'));
  const settings = serveSettings({ models: [MODEL], registry: REGISTRY, shadow: { model: MODEL, rate: 1 } });
  const production = await loadModelVersion(REGISTRY, await resolveModelRef(REGISTRY, MODEL), undefined);
  const sink = WITH_LOG ? createPredictionLog({ dir }) : undefined;
  const runner = await ShadowRunner.start(settings, production, new ShadowMetrics(new Registry()), sink);
  // The runner's process and its hand-overs, read from outside as a debugger would.
  const pool = (
    runner as unknown as { pool: { child?: { pid?: number }; result: (task: unknown) => unknown } }
  ).pool;
  const shadowPid = pool.child?.pid as number;
  let handovers = 0;
  const result = pool.result.bind(pool);
  pool.result = (task) => {
    handovers++;
    return result(task);
  };

  /** One phase: the loop for PHASE_SECONDS, offering or not; main-thread and shadow µs per copy. */
  const phase = async (offer: boolean) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [main0, shadow0, handovers0] = [
      await threadMicros(process.pid, process.pid),
      await processMicros(shadowPid),
      handovers,
    ];
    let copies = 0;
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        for (let i = 0; i < PER_TICK; i++) {
          const inputs = request();
          copies++;
          const id = `req-${copies}-${Math.random()}`;
          const answered = new Date();
          if (offer) runner.offer(production, inputs, 1, id, answered);
        }
        if (Date.now() - started >= PHASE_SECONDS * 1000) {
          clearInterval(tick);
          resolve();
        }
      }, 1);
    });
    // The last batch's window and its result fall in this phase.
    await new Promise((resolve) => setTimeout(resolve, SHADOW_LIMITS.batchWindowMs + 300));
    return {
      main: ((await threadMicros(process.pid, process.pid)) - main0) / copies,
      shadow: ((await processMicros(shadowPid)) - shadow0) / copies,
      perHandover: handovers > handovers0 ? copies / (handovers - handovers0) : 0,
    };
  };

  console.log(
    `shadow runner alone: ${RATE} copies/s, a ${SHADOW_LIMITS.batchWindowMs} ms window, ${WITH_LOG ? 'with' : 'without'} a prediction log; ${ROUNDS} rounds of ${PHASE_SECONDS} s phases\n`,
  );
  console.log(
    'round   main thread µs/copy: not offering / offering (ratio)   extra   shadow process µs/copy   copies a hand-over',
  );
  const extras: number[] = [];
  const ratios: number[] = [];
  try {
    // Not measured: the JIT's first compilations and the shadow's first batches.
    await phase(true);
    for (let round = 1; round <= ROUNDS; round++) {
      const reference = await phase(false);
      const offered = await phase(true);
      const extra = offered.main - reference.main;
      extras.push(extra);
      ratios.push(offered.main / reference.main);
      console.log(
        `${String(round).padStart(5)}   ${reference.main.toFixed(1).padStart(26)} / ${offered.main.toFixed(1)} (${(offered.main / reference.main).toFixed(2)})${extra.toFixed(1).padStart(14)}${offered.shadow.toFixed(1).padStart(25)}${offered.perHandover.toFixed(0).padStart(21)}`,
      );
    }
  } finally {
    await runner.close();
    await sink?.close();
    await rm(dir, { recursive: true, force: true });
  }
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  console.log(
    `\nmedian: the shadow's hand-over costs the offering thread ${median(extras).toFixed(1)} µs per copy (${median(ratios).toFixed(2)}× the loop alone)`,
  );
}

await main();
