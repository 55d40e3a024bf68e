import type { Tensor } from 'onnxruntime-node';
import type { ModelView } from './models.js';
import { feeds, toTensorData } from './onnx-session.js';
import { type ShadowResult, type ShadowTask, scoreShadowCopies } from './shadow/shadow-scoring.js';
import type { ServingSession } from './sync-session.js';
import { numericBuffers, type TensorData } from './tensor.js';

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

/**
 * A task run on a session (in an inference worker, or in the shadow's process itself). A shadow's
 * batch answers with its checks and log lines, and its outputs only when the caller logs them.
 */
export async function runInferTask(
  session: ServingSession,
  view: ModelView,
  task: InferTask,
): Promise<InferResult> {
  const results = await session.run(feeds(task.inputs), task.outputs);
  const outputs = task.outputs.map((name) => toTensorData(name, results[name] as Tensor));
  if (!task.shadow) return { outputs, inputs: task.returnInputs ? numericBuffers(task.inputs) : [] };
  const now = performance.timeOrigin + performance.now();
  const shadow = scoreShadowCopies(view, task.shadow, task.inputs, outputs, now);
  // Not when the lines are written here, or when none is logged.
  const logsThere = !task.shadow.lines && task.shadow.copies.some((c) => c.log);
  return { outputs: logsThere ? outputs : [], inputs: [], shadow };
}
