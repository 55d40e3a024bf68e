import type { PredictionLogEntry } from '../prediction-log/types.js';
import type { ModelView } from './models.js';
import { unpackColumns } from './packed-input.js';
import { elementCount, jsonValues, type TensorData } from './tensor.js';

function perRow(tensor: TensorData, rows: number): unknown[] {
  const values = jsonValues(tensor);
  const width = tensor.dims.length <= 1 ? 1 : elementCount(tensor.dims.slice(1));
  if (width === 1) return values;
  return Array.from({ length: rows }, (_, r) => values.slice(r * width, (r + 1) * width));
}

/**
 * Class probabilities as `probability_<class>` columns: [N, C] one per class,
 * and a binary [N] P(second class) as both classes' columns, as predict writes them.
 */
function probabilityColumns(
  classes: readonly string[],
  output: TensorData,
  rows: number,
): Record<string, Float32Array> | undefined {
  const width = output.dims.length <= 1 ? 1 : elementCount(output.dims.slice(1));
  if (output.type !== 'float32' && output.type !== 'float64') return undefined;
  const values = output.data as Float32Array | Float64Array;
  const columns: Record<string, Float32Array> = {};
  if (classes.length > 1 && width === classes.length) {
    classes.forEach((cls, c) => {
      columns[`probability_${cls}`] = Float32Array.from(
        { length: rows },
        (_, r) => values[r * width + c] as number,
      );
    });
    return columns;
  }
  if (classes.length === 2 && width === 1) {
    const positive = Float32Array.from(values.subarray(0, rows));
    columns[`probability_${classes[0]}`] = positive.map((p) => 1 - p);
    columns[`probability_${classes[1]}`] = positive;
    return columns;
  }
  return undefined;
}

/** Columns by name: class probabilities become `probability_<class>`, other [N, k] outputs stay rows of arrays. */
function outputColumns(
  model: ModelView,
  outputs: readonly TensorData[],
  rows: number,
): Record<string, ArrayLike<unknown>> {
  const columns: Record<string, ArrayLike<unknown>> = {};
  const { classes } = model.io;
  for (const output of outputs) {
    const split =
      output.name === model.io.probabilities ? probabilityColumns(classes, output, rows) : undefined;
    if (split) Object.assign(columns, split);
    else columns[output.name] = perRow(output, rows);
  }
  return columns;
}

function inputColumns(model: ModelView, inputs: readonly TensorData[], rows: number) {
  const { packed } = model.io;
  // A packed model is logged one column per feature, so monitoring compares raw columns with training's.
  if (packed) return unpackColumns(packed, inputs[0] as TensorData, rows);
  const columns: Record<string, ArrayLike<unknown>> = {};
  for (const input of inputs) {
    const values = perRow(input, rows);
    // A missing category reaches the model as '' (as modelgate's runtime feeds it); the log keeps it as
    // null, as in the training data, so drift is measured on the values users sent, not on the encoding.
    columns[input.name] = input.type === 'string' ? values.map((v) => (v === '' ? null : v)) : values;
  }
  return columns;
}

export function predictionEntry(
  model: ModelView,
  requestId: string,
  inputs: readonly TensorData[],
  outputs: readonly TensorData[],
  rows: number,
  time = new Date(),
): PredictionLogEntry {
  return {
    time,
    requestId,
    model: model.name,
    version: model.version,
    rows,
    inputs: inputColumns(model, inputs, rows),
    outputs: outputColumns(model, outputs, rows),
  };
}
