import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { usableCores } from '@modelgate/core';
import {
  destroyReleasing,
  type ExecutionProvider,
  type ReleaseTask,
  releaseBarrier,
} from '@modelgate/runtime';
import { Piscina } from 'piscina';
import { BufferPool } from './buffer-pool.js';
import { InFlight } from './in-flight.js';
import type { InferResult, InferTask } from './infer-task.js';
import type { WorkerSetup } from './infer-worker.js';
import { type ModelVersion, warmupInputs } from './models.js';
import { numericBuffers, type TensorData } from './tensor.js';

const READY_TIMEOUT_MS = 120_000;
const PING: InferTask = { key: '', inputs: [], outputs: [] };
const TASKS_PER_WORKER = 2;
/** Idle batch buffers kept for reuse, per pool. */
const POOLED_BYTES = 64 * 1024 * 1024;

/** From the TypeScript sources (tests, tsx) the worker needs tsx's require hook; from dist it is plain JS. */
function workerEntry(): { filename: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return { filename: join(dirname(here), 'infer-worker.js'), execArgv: [] };
  const hook = createRequire(import.meta.url).resolve('tsx/cjs');
  return {
    filename: join(dirname(here), 'infer-worker.ts'),
    execArgv: ['--require', hook, '--conditions=modelgate-source'],
  };
}

/** Threads per session so that workers × threads never exceeds the cores. */
export function threadsPerWorker(workers: number, cores = usableCores()): number {
  return Math.max(1, Math.floor(cores / workers));
}

export function defaultWorkers(cores = usableCores()): number {
  return Math.max(1, cores);
}

/** A pool of worker threads, each holding a warmed session of every model of one generation. */
export class InferencePool {
  private constructor(
    private readonly pool: Piscina<InferTask | ReleaseTask, InferResult>,
    readonly workers: number,
  ) {}

  /** Where batch inputs are built, so their memory is reused rather than allocated per batch. */
  readonly buffers = new BufferPool(POOLED_BYTES);

  /** Batches the pool takes at once: one running and one waiting per worker. */
  get capacity(): number {
    return this.workers * TASKS_PER_WORKER;
  }

  static async start(
    models: readonly ModelVersion[],
    workers: number,
    provider: ExecutionProvider = 'cpu',
    /** onnxruntime's threads per session; default: the cores shared out among the workers. */
    threads = threadsPerWorker(workers),
  ): Promise<InferencePool> {
    const status = new Int32Array(new SharedArrayBuffer(8));
    const setup: WorkerSetup = {
      models: models.map((m) => ({
        key: m.key,
        bytes: m.bytes,
        warmup: warmupInputs(m),
        outputs: m.signature.outputs.map((o) => o.name),
        view: { name: m.name, version: m.version, io: m.io },
      })),
      intraOpNumThreads: threads,
      provider,
      status,
      released: releaseBarrier(),
      workers,
    };
    const entry = workerEntry();
    const pool = new Piscina<InferTask | ReleaseTask, InferResult>({
      filename: entry.filename,
      execArgv: entry.execArgv,
      workerData: setup,
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: Number.POSITIVE_INFINITY,
      // A second batch waits inside each worker, so it starts the moment the first ends instead of
      // waiting for the HTTP thread to notice the result and post the next one.
      concurrentTasksPerWorker: TASKS_PER_WORKER,
    });
    const inference = new InferencePool(pool, workers);
    try {
      await inference.waitReady(status);
    } catch (err) {
      await pool.destroy();
      throw err;
    }
    return inference;
  }

  /** Piscina loads the worker module on a thread's first task, so ping until every worker has warmed up. */
  private async waitReady(status: Int32Array): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Atomics.load(status, 0) < this.workers) {
      // A failed load rejects the ping with the worker's own error.
      await Promise.all(Array.from({ length: this.workers }, () => this.run(PING)));
      if (Date.now() > deadline) throw new Error('the inference workers did not load the models in time');
    }
  }

  /** Tasks sent and not yet answered; close() waits for none before the sessions are released. */
  private readonly inFlight = new InFlight();

  /** Runs a task whose inputs the caller keeps using: they are copied to the worker. */
  async run(task: InferTask): Promise<TensorData[]> {
    return (await this.result(task)).outputs;
  }

  /** run(), with all the worker answered (a shadow batch's checks and log lines). */
  result(task: InferTask): Promise<InferResult> {
    return this.inFlight.track(this.pool.run(task));
  }

  /**
   * Runs a batch whose numeric inputs live in buffers from `buffers`: they are moved to the
   * worker, not copied, and come back to the pool with the outputs.
   */
  async runPooled(task: InferTask): Promise<TensorData[]> {
    const result = await this.inFlight.track(
      this.pool.run({ ...task, returnInputs: true }, { transferList: numericBuffers(task.inputs) }),
    );
    for (const buffer of result.inputs) this.buffers.give(buffer);
    return result.outputs;
  }

  /** Waits for queued batches, has every worker release its sessions, then ends the threads. */
  async close(): Promise<void> {
    await this.inFlight.drained();
    await destroyReleasing(this.pool, this.workers);
  }
}
