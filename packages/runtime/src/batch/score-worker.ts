import type { InferenceSession } from 'onnxruntime-node';
import { workerData } from 'piscina';
import type { ColumnPredictions, ColumnSet } from '../columns.js';
import type { ExecutionProvider } from '../device/device.js';
import { runOnColumns } from '../run.js';
import { createSession } from '../session.js';
import { scoreOptions } from './scorer.js';
import type { BatchModel } from './types.js';

export interface WorkerData {
  model: BatchModel;
  /** onnxruntime's intra-op threads in this worker: the cores shared out among the workers. */
  threads: number;
  provider: ExecutionProvider;
}

let session: Promise<InferenceSession> | undefined;

/** A piscina task: one chunk's predictions from this thread's own session. */
export default async function score(set: ColumnSet): Promise<ColumnPredictions> {
  const { model, threads, provider } = workerData as WorkerData;
  session ??= createSession(model.bytes, { intraOpNumThreads: threads, label: model.label, provider });
  return runOnColumns(await session, model.spec, set, scoreOptions(set));
}
