import type { InferenceSession } from 'onnxruntime-node';
import { workerData } from 'piscina';
import type { ColumnPredictions, ColumnSet } from '../columns.js';
import type { ExecutionProvider } from '../device/device.js';
import { runOnColumns } from '../run.js';
import { createSession } from '../session.js';
import { awaitEveryWorker, isReleaseTask, type ReleaseTask } from '../session-release.js';
import { scoreOptions } from './scorer.js';
import type { BatchModel } from './types.js';

export interface WorkerData {
  model: BatchModel;
  /** onnxruntime's intra-op threads in this worker: the cores shared out among the workers. */
  threads: number;
  provider: ExecutionProvider;
  /** Counts the workers that released their session when the pool closes. */
  released: Int32Array;
  workers: number;
}

let session: Promise<InferenceSession> | undefined;

/** A piscina task: one chunk's predictions from this thread's own session. */
export default async function score(set: ColumnSet | ReleaseTask): Promise<ColumnPredictions | null> {
  const { model, threads, provider, released, workers } = workerData as WorkerData;
  if (isReleaseTask(set)) {
    const open = session;
    session = undefined;
    await open?.then((s) => s.release()).catch(() => {});
    awaitEveryWorker(released, workers);
    return null;
  }
  session ??= createSession(model.bytes, { intraOpNumThreads: threads, label: model.label, provider });
  return runOnColumns(await session, model.spec, set, scoreOptions(set));
}
