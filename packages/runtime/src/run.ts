import { UserError } from '@modelgate/core';
import type { InferenceSession } from 'onnxruntime-node';
import type { ColumnPredictions, ColumnSet, ColumnsSpec } from './columns.js';
import { alignColumns, buildFeeds, planInputs } from './feeds.js';
import { collectOutputs, planOutputs } from './outputs.js';
import { readSignature } from './signature.js';

export interface RunOptions {
  /** Rows per session.run call: bounds memory on big sets (default 65536). */
  batchRows?: number;
  /**
   * Leave non-finite probabilities in the result, for the caller to reject
   * row by row (batch predict), instead of refusing the model's output.
   */
  keepNonFinite?: boolean;
}

/**
 * Runs the model on a set's raw columns and returns Predictions-shaped
 * outputs: class indices into spec.classes and probabilities for classifiers,
 * predictions for regressors.
 */
export async function runOnColumns(
  session: InferenceSession,
  spec: ColumnsSpec,
  set: ColumnSet,
  options: RunOptions = {},
): Promise<ColumnPredictions> {
  const classification = spec.task !== 'regression';
  if (classification && (spec.classes ?? []).length === 0) {
    throw new UserError(`a ${spec.task} model needs its classes`);
  }
  const signature = readSignature(session);
  const inputs = planInputs(signature, spec);
  const outputs = planOutputs(signature, spec);
  const columns = alignColumns(spec, set);
  const c = spec.classes?.length ?? 0;
  const all = {
    label: new Int32Array(classification ? set.rows : 0),
    probabilities: new Float32Array(outputs.probabilities ? set.rows * c : 0),
    prediction: new Float32Array(classification ? 0 : set.rows),
  };
  const fetches = [outputs.prediction, outputs.probabilities, outputs.label].filter(
    (name): name is string => name !== undefined,
  );
  const batch = options.batchRows ?? 65536;
  for (let start = 0; start < set.rows; start += batch) {
    const end = Math.min(set.rows, start + batch);
    const feeds = buildFeeds(inputs, spec, columns, start, end);
    const results = await session.run(feeds, fetches);
    collectOutputs(outputs, spec, results, all, start, end - start, options.keepNonFinite);
  }
  if (!classification) return { prediction: all.prediction };
  return outputs.probabilities
    ? { label: all.label, probabilities: all.probabilities }
    : { label: all.label };
}
