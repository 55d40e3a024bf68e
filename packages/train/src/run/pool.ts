import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TrialOutcome } from '../search/driver.js';
import { queryGpus } from './gpu.js';
import { deviceForSlot, visibleDevices } from './gpu-usage.js';
import { OutputTail } from './output-tail.js';
import { loadTrainers } from './trainer-module.js';
import { evaluateTrial, type TrialEnvironment, type TrialTask } from './trial.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

/** Runs trials, in this process or in worker processes; the outcomes do not depend on which. */
export interface TrialRunner {
  /** Outcomes in task order; `onOutcome` hears each as it finishes. */
  run(
    tasks: readonly TrialTask[],
    onOutcome?: (task: TrialTask, outcome: TrialOutcome) => void,
  ): Promise<TrialOutcome[]>;
  close(): Promise<void>;
}

export interface RunnerOptions {
  /** Worker processes; 1 runs trials in this process. */
  parallel: number;
  /** A module exporting `trainers` (see loadTrainers); default the built-in trainers. */
  trainerModule?: string;
}

export async function createTrialRunner(env: TrialEnvironment, options: RunnerOptions): Promise<TrialRunner> {
  if (options.parallel <= 1) {
    const trainers = await loadTrainers(options.trainerModule);
    return {
      async run(tasks, onOutcome) {
        const outcomes: TrialOutcome[] = [];
        for (const task of tasks) {
          const outcome = await evaluateTrial(env, task, trainers);
          onOutcome?.(task, outcome);
          outcomes.push(outcome);
        }
        return outcomes;
      },
      async close() {},
    };
  }
  return WorkerPool.start(env, options);
}

/** From the TypeScript sources (tests, tsx) the worker needs tsx to load; from dist it is plain JS. */
function workerEntry(): { path: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return { path: join(dirname(here), 'worker.js'), execArgv: [] };
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return {
    path: join(dirname(here), 'worker.ts'),
    execArgv: ['--import', pathToFileURL(tsx).href, '--conditions=modelgate-source'],
  };
}

interface Worker {
  process: ChildProcess;
  /** The lane it serves, which fixes its GPU. */
  slot: number;
  stderr: OutputTail;
  busy: { task: TrialTask; done: (outcome: TrialOutcome) => void } | undefined;
}

class WorkerPool implements TrialRunner {
  private readonly workers: Worker[] = [];
  private closing = false;

  private constructor(
    private readonly env: TrialEnvironment,
    private readonly options: RunnerOptions,
    /** The GPUs the lanes share out, one each in turn; empty on a machine without GPUs. */
    private readonly devices: readonly string[],
  ) {}

  static async start(env: TrialEnvironment, options: RunnerOptions): Promise<WorkerPool> {
    const gpus = await queryGpus();
    const indices = gpus.state === 'ok' ? gpus.gpus.map((g) => g.index) : [];
    const pool = new WorkerPool(env, options, visibleDevices(process.env.CUDA_VISIBLE_DEVICES, indices));
    try {
      await Promise.all(Array.from({ length: options.parallel }, (_, slot) => pool.spawn(slot)));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** A worker for lane `slot`: on a multi-GPU runner its commands see that lane's GPU alone. */
  private spawn(slot: number): Promise<Worker> {
    const entry = workerEntry();
    const device = deviceForSlot(slot, this.devices);
    const child = fork(entry.path, [], {
      execArgv: entry.execArgv,
      ...(device === undefined ? {} : { env: { ...process.env, CUDA_VISIBLE_DEVICES: device } }),
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const worker: Worker = { process: child, slot, stderr: new OutputTail(), busy: undefined };
    child.stderr?.on('data', (chunk: Buffer) => worker.stderr.push(chunk));
    this.workers.push(worker);
    return new Promise((ready, fail) => {
      const onMessage = (message: FromWorker) => {
        if (message.type === 'ready') {
          child.off('exit', onEarlyExit);
          ready(worker);
        } else if (message.type === 'outcome' && worker.busy) {
          const { done } = worker.busy;
          worker.busy = undefined;
          done(message.outcome);
        }
      };
      const onEarlyExit = (code: number | null) =>
        fail(new Error(`a trial worker exited while starting (code ${code}): ${worker.stderr.last()}`));
      child.on('message', onMessage);
      child.once('exit', onEarlyExit);
      child.on('exit', (code, signal) => {
        this.workers.splice(this.workers.indexOf(worker), 1);
        if (worker.busy) {
          const { done } = worker.busy;
          worker.busy = undefined;
          const why = signal ? `killed by ${signal}` : `exit code ${code}`;
          const tail = worker.stderr.last(5);
          done({
            status: 'failed',
            error: `the trial's worker process died (${why})${tail ? `: ${tail}` : ''}`,
            durationMs: 0,
          });
        }
      });
      const init: ToWorker = {
        type: 'init',
        env: this.env,
        ...(this.options.trainerModule ? { trainerModule: this.options.trainerModule } : {}),
      };
      child.send(init);
    });
  }

  private evaluate(worker: Worker, task: TrialTask): Promise<TrialOutcome> {
    return new Promise((done) => {
      worker.busy = { task, done };
      const message: ToWorker = { type: 'trial', task };
      worker.process.send(message);
    });
  }

  async run(
    tasks: readonly TrialTask[],
    onOutcome?: (task: TrialTask, outcome: TrialOutcome) => void,
  ): Promise<TrialOutcome[]> {
    const outcomes: TrialOutcome[] = new Array(tasks.length);
    let next = 0;
    // Each lane keeps one worker busy; a worker that died is replaced so the pool keeps its size.
    const lane = async (first: Worker | undefined, slot: number) => {
      let worker = first;
      while (next < tasks.length) {
        const index = next++;
        const task = tasks[index] as TrialTask;
        if (!worker || !this.workers.includes(worker)) worker = await this.spawn(slot);
        const outcome = await this.evaluate(worker, task);
        outcomes[index] = outcome;
        onOutcome?.(task, outcome);
      }
    };
    const lanes = Math.min(this.options.parallel, tasks.length);
    const workers = [...this.workers];
    await Promise.all(
      Array.from({ length: lanes }, (_, i) =>
        lane(
          workers.find((w) => w.slot === i),
          i,
        ),
      ),
    );
    return outcomes;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((done) => {
            w.process.once('exit', () => done());
            w.process.disconnect();
          }),
      ),
    );
  }
}
