import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { InferTask, WorkerSetup } from './infer-worker.js';
import { type ModelVersion, warmupInputs } from './models.js';
import type { TensorData } from './tensor.js';

const READY_TIMEOUT_MS = 120_000;
const PING: InferTask = { key: '', inputs: [], outputs: [] };

/** From the TypeScript sources (tests, tsx) the worker needs tsx's require hook; from dist it is plain JS. */
function workerEntry(): { filename: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return { filename: join(dirname(here), 'infer-worker.js'), execArgv: [] };
  const hook = createRequire(import.meta.url).resolve('tsx/cjs');
  return { filename: join(dirname(here), 'infer-worker.ts'), execArgv: ['--require', hook] };
}

/** Threads per session so that workers × threads never exceeds the cores. */
export function threadsPerWorker(workers: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / workers));
}

export function defaultWorkers(cores = availableParallelism()): number {
  return Math.max(1, cores);
}

/** A pool of worker threads, each holding a warmed session of every model of one generation. */
export class InferencePool {
  private constructor(
    private readonly pool: Piscina<InferTask, TensorData[]>,
    readonly workers: number,
  ) {}

  static async start(models: readonly ModelVersion[], workers: number): Promise<InferencePool> {
    const status = new Int32Array(new SharedArrayBuffer(8));
    const setup: WorkerSetup = {
      models: models.map((m) => ({ key: m.key, bytes: m.bytes, warmup: warmupInputs(m) })),
      intraOpNumThreads: threadsPerWorker(workers),
      status,
    };
    const entry = workerEntry();
    const pool = new Piscina<InferTask, TensorData[]>({
      filename: entry.filename,
      execArgv: entry.execArgv,
      workerData: setup,
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
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

  /** `transfer`: buffers only this task uses, moved to the worker instead of copied. */
  run(task: InferTask, transfer?: ArrayBufferLike[]): Promise<TensorData[]> {
    return transfer && transfer.length > 0
      ? this.pool.run(task, { transferList: transfer as ArrayBuffer[] })
      : this.pool.run(task);
  }

  async close(): Promise<void> {
    await this.pool.close();
    await this.pool.destroy();
  }
}
