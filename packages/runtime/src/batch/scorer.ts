import { fileURLToPath } from 'node:url';
import { usableCores } from '@modelgate/core';
import type { InferenceSession } from 'onnxruntime-node';
import { Piscina } from 'piscina';
import type { ColumnPredictions, ColumnSet } from '../columns.js';
import type { ExecutionProvider } from '../device/device.js';
import { type RunOptions, runOnColumns } from '../run.js';
import { destroyReleasing, releaseBarrier } from '../session-release.js';
import type { WorkerData } from './score-worker.js';
import type { BatchModel } from './types.js';

export interface Scorer {
  score(set: ColumnSet): Promise<ColumnPredictions>;
  close(): Promise<void>;
}

/** One session.run per chunk; rows with no finite score are the row writer's to reject. */
export const scoreOptions = (set: ColumnSet): RunOptions => ({
  batchRows: Math.max(1, set.rows),
  keepNonFinite: true,
});

/** Scores on the calling thread with the session already made. */
export function inlineScorer(session: InferenceSession, model: BatchModel): Scorer {
  return {
    score: (set) => runOnColumns(session, model.spec, set, scoreOptions(set)),
    close: async () => {},
  };
}

/** Under tsx or vitest the worker is TypeScript and needs the same loader and export conditions. */
function workerFile(): { filename: string; execArgv: string[] } {
  const source = import.meta.url.endsWith('.ts');
  const filename = fileURLToPath(
    new URL(source ? './score-worker.ts' : './score-worker.js', import.meta.url),
  );
  return { filename, execArgv: source ? ['--import', 'tsx', '--conditions=modelgate-source'] : [] };
}

/** One onnxruntime session per worker thread; the cores are shared out among them. */
export function poolScorer(model: BatchModel, workers: number, provider: ExecutionProvider): Scorer {
  const pool = new Piscina({
    ...workerFile(),
    workerData: {
      model,
      provider,
      threads: Math.max(1, Math.floor(usableCores() / workers)),
      released: releaseBarrier(),
      workers,
    } satisfies WorkerData,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: Number.POSITIVE_INFINITY,
  });
  return {
    // Copied, not transferred: the caller still reads the validity masks to explain unscored rows.
    score: (set) => pool.run(set) as Promise<ColumnPredictions>,
    close: () => destroyReleasing(pool, workers),
  };
}
