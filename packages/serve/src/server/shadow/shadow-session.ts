import type { ExecutionProvider } from '@modelgate/runtime';
import { InFlight } from '../in-flight.js';
import { type InferResult, type InferTask, runInferTask } from '../infer-task.js';
import { type ModelVersion, type ModelView, warmupInputs } from '../models.js';
import { feeds, servingSessionOptions } from '../onnx-session.js';
import { openWarmSession, type ServingSession } from '../sync-session.js';

/** How the shadow's process scores its batches: on its own thread, or in a pool of workers. */
export interface ShadowScorer {
  result(task: InferTask): Promise<InferResult>;
  close(): Promise<void>;
}

/**
 * The shadow's model on the shadow process's own thread, one onnxruntime thread, batches one at a
 * time: with one worker (the default) a worker thread would only add a copy of every batch to it
 * and back, and a thread to wake, to a process that does nothing else.
 */
export class ShadowSession implements ShadowScorer {
  /** Batches under way: close() releases the session after them. */
  private readonly inFlight = new InFlight();

  private constructor(
    private readonly key: string,
    private readonly view: ModelView,
    private readonly session: ServingSession,
  ) {}

  static async open(model: ModelVersion, provider: ExecutionProvider): Promise<ShadowSession> {
    const session = await openWarmSession(
      model.bytes,
      servingSessionOptions(1, provider),
      provider,
      feeds(warmupInputs(model)),
      model.signature.outputs.map((o) => o.name),
    );
    return new ShadowSession(model.key, { name: model.name, version: model.version, io: model.io }, session);
  }

  async result(task: InferTask): Promise<InferResult> {
    if (task.key !== this.key) throw new Error(`model ${task.key} is not loaded in the shadow's process`);
    return this.inFlight.track(runInferTask(this.session, this.view, task));
  }

  async close(): Promise<void> {
    await this.inFlight.drained();
    await this.session.release();
  }
}
