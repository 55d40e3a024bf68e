import type { PredictionLogEntry } from '../prediction-log/types.js';
import type { ModelVersion } from './models.js';
import { elementCount, jsonValues, type TensorData } from './tensor.js';

function perRow(tensor: TensorData, rows: number): unknown[] {
  const values = jsonValues(tensor);
  const width = tensor.dims.length <= 1 ? 1 : elementCount(tensor.dims.slice(1));
  if (width === 1) return values;
  return Array.from({ length: rows }, (_, r) => values.slice(r * width, (r + 1) * width));
}

/** Columns by name: [N, C] class probabilities become `probability_<class>`, other [N, k] outputs stay rows of arrays. */
function outputColumns(
  model: ModelVersion,
  outputs: readonly TensorData[],
  rows: number,
): Record<string, ArrayLike<unknown>> {
  const columns: Record<string, ArrayLike<unknown>> = {};
  const classes = model.classes ?? [];
  for (const output of outputs) {
    const width = output.dims.length <= 1 ? 1 : elementCount(output.dims.slice(1));
    if (classes.length > 1 && width === classes.length && output.type === 'float32') {
      const values = output.data as Float32Array;
      classes.forEach((cls, c) => {
        columns[`probability_${cls}`] = Float32Array.from(
          { length: rows },
          (_, r) => values[r * width + c] as number,
        );
      });
    } else columns[output.name] = perRow(output, rows);
  }
  return columns;
}

export function predictionEntry(
  model: ModelVersion,
  requestId: string,
  inputs: readonly TensorData[],
  outputs: readonly TensorData[],
  rows: number,
): PredictionLogEntry {
  const inputColumns: Record<string, ArrayLike<unknown>> = {};
  for (const input of inputs) {
    const values = perRow(input, rows);
    // A missing category reaches the model as '' (as modelgate's runtime feeds it); the log keeps it as
    // null, as in the training data, so drift is measured on the values users sent, not on the encoding.
    inputColumns[input.name] = input.type === 'string' ? values.map((v) => (v === '' ? null : v)) : values;
  }
  return {
    time: new Date(),
    requestId,
    model: model.name,
    version: model.version,
    rows,
    inputs: inputColumns,
    outputs: outputColumns(model, outputs, rows),
  };
}
