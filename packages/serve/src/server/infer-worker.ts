import { workerData } from 'node:worker_threads';
import type { ExecutionProvider } from '@modelgate/runtime';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { type ElementType, numericBuffers, type TensorData, type TensorValues } from './tensor.js';

/** What each worker of a pool gets: every model of the generation, loaded once per worker. */
export interface WorkerSetup {
  models: { key: string; bytes: Uint8Array; warmup: TensorData[] }[];
  intraOpNumThreads: number;
  /** cuda runs on the GPU, with the CPU for the operators CUDA lacks. */
  provider: ExecutionProvider;
  /** [ready, failed] counters the pool owner waits on. */
  status: Int32Array;
}

export interface InferTask {
  key: string;
  inputs: TensorData[];
  outputs: string[];
  /** The inputs' buffers were moved here from the owner's pool: move them back with the outputs. */
  returnInputs?: boolean;
}

export interface InferResult {
  outputs: TensorData[];
  /** The moved-in input buffers, going home. */
  inputs: ArrayBuffer[];
}

const setup = workerData as WorkerSetup;

async function loadSessions(): Promise<Map<string, InferenceSession>> {
  const sessions = new Map<string, InferenceSession>();
  for (const model of setup.models) {
    const session = await InferenceSession.create(model.bytes, {
      executionProviders: setup.provider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      interOpNumThreads: 1,
      intraOpNumThreads: setup.intraOpNumThreads,
      // Spinning intra-op threads would take the cores the HTTP thread and the other workers need.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
      logSeverityLevel: 3,
    });
    // The first run allocates and JIT-plans; pay it before the server says ready.
    await session.run(feeds(model.warmup));
    sessions.set(model.key, session);
  }
  return sessions;
}

function feeds(inputs: readonly TensorData[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const input of inputs) out[input.name] = new Tensor(input.type, input.data, input.dims);
  return out;
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

function toTensorData(name: string, tensor: Tensor): TensorData {
  return {
    name,
    type: tensor.type as ElementType,
    dims: tensor.dims.map(Number),
    data: tensor.data as TensorValues,
  };
}

/** Buffers are moved to the HTTP thread rather than copied: nothing here uses them again. */
function moved(result: InferResult): InferResult {
  const buffers = new Set([...numericBuffers(result.outputs), ...result.inputs]);
  if (buffers.size === 0) return result;
  return move({
    [transferableSymbol]: [...buffers],
    [valueSymbol]: result,
  } as never) as unknown as InferResult;
}

export default async function infer(task: InferTask): Promise<InferResult> {
  const sessions = await ready;
  // A ping: the owner's way to make every worker load and warm up before it is ready.
  if (task.key === '') return { outputs: [], inputs: [] };
  const session = sessions.get(task.key);
  if (!session) throw new Error(`model ${task.key} is not loaded in this worker`);
  const results = await session.run(feeds(task.inputs), task.outputs);
  const outputs = task.outputs.map((name) => toTensorData(name, results[name] as Tensor));
  return moved({ outputs, inputs: task.returnInputs ? numericBuffers(task.inputs) : [] });
}
