import type { Predictions, Task } from '../types.js';
import type { BinnedMatrix } from './binning.js';
import type { Ensemble } from './boosting.js';
import { addTreeScores } from './tree.js';

/** Raw scores, output-major: baseline plus every tree, summed in double as the ONNX graph does. */
export function rawScores(ensemble: Ensemble, binned: BinnedMatrix): Float64Array {
  const { baseline, trees, outputs } = ensemble;
  const rows = binned.rows;
  const raw = new Float64Array(outputs * rows);
  for (let k = 0; k < outputs; k++) raw.fill(baseline[k] as number, k * rows, (k + 1) * rows);
  trees.forEach((tree, t) => {
    addTreeScores(tree, binned, raw, (t % outputs) * rows);
  });
  return raw;
}

function firstLargest(values: Float32Array, from: number, count: number): number {
  let best = 0;
  for (let k = 1; k < count; k++)
    if ((values[from + k] as number) > (values[from + best] as number)) best = k;
  return best;
}

/**
 * Predictions from raw scores in the graph's precision: the tree ensemble
 * outputs float32 scores, then sigmoid or softmax and ArgMax (first on ties).
 */
export function predictionsFromScores(
  task: Task,
  raw: Float64Array,
  rows: number,
  outputs: number,
): Predictions {
  if (task === 'regression') return { prediction: Float32Array.from(raw) };
  const classes = task === 'binary' ? 2 : outputs;
  const probabilities = new Float32Array(rows * classes);
  const label = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const at = i * classes;
    if (task === 'binary') {
      const p = Math.fround(1 / (1 + Math.exp(-Math.fround(raw[i] as number))));
      probabilities[at] = 1 - p;
      probabilities[at + 1] = p;
    } else {
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < classes; k++) max = Math.max(max, Math.fround(raw[k * rows + i] as number));
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += Math.exp(Math.fround(raw[k * rows + i] as number) - max);
      for (let k = 0; k < classes; k++) {
        probabilities[at + k] = Math.exp(Math.fround(raw[k * rows + i] as number) - max) / sum;
      }
    }
    label[i] = firstLargest(probabilities, at, classes);
  }
  return { label, probabilities };
}
