import { workerData } from 'node:worker_threads';
import {
  awaitEveryWorker,
  type ExecutionProvider,
  isReleaseTask,
  type ReleaseTask,
} from '@modelgate/runtime';
import type { Tensor } from 'onnxruntime-node';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { ModelView } from './models.js';
import { feeds, servingSessionOptions, toTensorData } from './onnx-session.js';
import { type ShadowResult, type ShadowTask, scoreShadowCopies } from './shadow/shadow-scoring.js';
import { openServingSession, type ServingSession } from './sync-session.js';
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

export interface InferTask {
  key: string;
  inputs: TensorData[];
  outputs: string[];
  /** The inputs' buffers were moved here from the owner's pool: move them back with the outputs. */
  returnInputs?: boolean;
  /** A shadow's batch: its copies are checked (and their log lines written) here. */
  shadow?: ShadowTask;
}

export interface InferResult {
  outputs: TensorData[];
  /** The moved-in input buffers, going home. */
  inputs: ArrayBuffer[];
  shadow?: ShadowResult;
}

const setup = workerData as WorkerSetup;

async function loadSessions(): Promise<Map<string, ServingSession>> {
  const sessions = new Map<string, ServingSession>();
  for (const model of setup.models) {
    const session = await openServingSession(
      model.bytes,
      servingSessionOptions(setup.intraOpNumThreads, setup.provider),
      setup.provider,
    );
    // The first run allocates and JIT-plans; pay it before the server says ready.
    await session.run(feeds(model.warmup), model.outputs);
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

/** A shadow batch's answer: the checks and the log lines; the outputs only when the HTTP thread logs them. */
function shadowResult(
  key: string,
  task: ShadowTask,
  inputs: TensorData[],
  outputs: TensorData[],
): InferResult {
  const now = performance.timeOrigin + performance.now();
  const shadow = scoreShadowCopies(views.get(key) as ModelView, task, inputs, outputs, now);
  // The outputs go back only for the HTTP thread to log: not when the lines are written here, or none is logged.
  const logsThere = !task.lines && task.copies.some((c) => c.log);
  return moved({ outputs: logsThere ? outputs : [], inputs: [], shadow });
}

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
  const results = await session.run(feeds(task.inputs), task.outputs);
  const outputs = task.outputs.map((name) => toTensorData(name, results[name] as Tensor));
  if (task.shadow) return shadowResult(task.key, task.shadow, task.inputs, outputs);
  return moved({ outputs, inputs: task.returnInputs ? numericBuffers(task.inputs) : [] });
}
