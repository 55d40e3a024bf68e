import { workerData } from 'node:worker_threads';
import {
  awaitEveryWorker,
  type ExecutionProvider,
  isReleaseTask,
  type ReleaseTask,
} from '@modelgate/runtime';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { type InferResult, type InferTask, runInferTask } from './infer-task.js';
import type { ModelView } from './models.js';
import { feeds, servingSessionOptions } from './onnx-session.js';
import { openWarmSession, type ServingSession } from './sync-session.js';
import { numericBuffers, type TensorData } from './tensor.js';

/** What each worker of a pool gets: every model of the generation, loaded once per worker. */
export interface WorkerSetup {
  models: { key: string; bytes: Uint8Array; warmup: TensorData[]; outputs: string[]; view: ModelView }[];
  intraOpNumThreads: number;
  /** cuda runs on the GPU, with the CPU for the operators CUDA lacks. */
  provider: ExecutionProvider;
  /** [ready, failed] counters the pool owner waits on. */
  status: Int32Array;
  /** Counts the workers that released their sessions when the pool closes. */
  released: Int32Array;
  workers: number;
}

const setup = workerData as WorkerSetup;

async function loadSessions(): Promise<Map<string, ServingSession>> {
  const sessions = new Map<string, ServingSession>();
  for (const model of setup.models) {
    const session = await openWarmSession(
      model.bytes,
      servingSessionOptions(setup.intraOpNumThreads, setup.provider),
      setup.provider,
      feeds(model.warmup),
      model.outputs,
    );
    sessions.set(model.key, session);
  }
  return sessions;
}

const ready = loadSessions().then(
  (sessions) => {
    Atomics.add(setup.status, 0, 1);
    return sessions;
  },
  (err: unknown) => {
    Atomics.add(setup.status, 1, 1);
    throw err;
  },
);
// The owner learns of a failure through the status counters and the next task.
ready.catch(() => {});

/** Buffers are moved to the HTTP thread rather than copied: nothing here uses them again. */
function moved(result: InferResult): InferResult {
  const buffers = new Set([...numericBuffers(result.outputs), ...result.inputs]);
  if (buffers.size === 0) return result;
  return move({
    [transferableSymbol]: [...buffers],
    [valueSymbol]: result,
  } as never) as unknown as InferResult;
}

const views = new Map(setup.models.map((m) => [m.key, m.view]));

let released = false;

export default async function infer(task: InferTask | ReleaseTask): Promise<InferResult> {
  if (isReleaseTask(task)) {
    released = true;
    const sessions = await ready.catch(() => new Map<string, ServingSession>());
    await Promise.all([...sessions.values()].map((s) => s.release().catch(() => {})));
    awaitEveryWorker(setup.released, setup.workers);
    return { outputs: [], inputs: [] };
  }
  if (released) throw new Error('the inference worker is closing');
  const sessions = await ready;
  // A ping: the owner's way to make every worker load and warm up before it is ready.
  if (task.key === '') return { outputs: [], inputs: [] };
  const session = sessions.get(task.key);
  if (!session) throw new Error(`model ${task.key} is not loaded in this worker`);
  return moved(await runInferTask(session, views.get(task.key) as ModelView, task));
}
