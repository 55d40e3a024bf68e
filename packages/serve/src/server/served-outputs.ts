import { badRequest, HttpError } from './http-error.js';
import { DERIVED_LABEL } from './model-io.js';
import type { ModelView } from './models.js';
import { elementCount, type TensorData } from './tensor.js';

const modelFailed = (model: ModelView, message: string) =>
  new HttpError(500, `model ${model.name} ${model.version}: ${message}`);

function shapeOf(tensor: TensorData): string {
  return `[${tensor.dims.join(', ')}]`;
}

/** Integer labels are indices into the classes: the names, or a 500 naming the output when one is not. */
function indexLabels(model: ModelView, tensor: TensorData): TensorData {
  const classes = model.io.classes;
  const { data } = tensor;
  const names = new Array<string>(data.length);
  for (let i = 0; i < data.length; i++) {
    const k = Number(data[i]);
    const name = Number.isInteger(k) ? classes[k] : undefined;
    if (name === undefined) {
      throw modelFailed(
        model,
        `output '${tensor.name}' gave ${String(data[i])} in row ${i}, expected a class index from 0 to ${classes.length - 1} (classes: ${classes.join(', ')})`,
      );
    }
    names[i] = name;
  }
  return { name: tensor.name, type: 'string', dims: tensor.dims, data: names };
}

/**
 * The label a probabilities-only classifier does not give: the class of the
 * first largest probability, as built-in models' ArgMax picks it; an [N]
 * output is P(second class), so the second class wins above 0.5.
 */
/** The first missing (NaN) input value in row `r`, named as the request names it: a feature or an input. */
function missingValueIn(model: ModelView, inputs: readonly TensorData[], rows: number, r: number) {
  for (const input of inputs) {
    const { data } = input;
    if (!(data instanceof Float32Array || data instanceof Float64Array) || input.dims[0] !== rows) continue;
    const width = elementCount(input.dims.slice(1));
    for (let j = 0; j < width; j++) {
      if (!Number.isNaN(data[r * width + j])) continue;
      const feature = model.io.packed?.name === input.name ? model.io.packed.features[j] : undefined;
      if (feature) return `'${feature.name}'`;
      return width === 1 ? `input '${input.name}'` : `input '${input.name}' at column ${j}`;
    }
  }
  return undefined;
}

/**
 * Non-finite probabilities for a row with a missing value are the request's to fix (400): a model
 * without missing-value handling gives NaN for it. For a complete row they are the model's fault (500).
 */
function nonFinite(
  model: ModelView,
  tensor: TensorData,
  p: number,
  scored: { inputs: readonly TensorData[]; rows: number; row: number },
): HttpError {
  const missing = missingValueIn(model, scored.inputs, scored.rows, scored.row);
  if (missing) {
    return badRequest(
      `row ${scored.row}: ${missing} is missing (null, or a category the model does not know), and model ${model.name} ${model.version} gives ${p} probabilities for it; send a value, as this model does not score missing values`,
    );
  }
  return modelFailed(
    model,
    `output '${tensor.name}' gave ${p} in row ${scored.row}, expected finite probabilities (the label is their argmax)`,
  );
}

function argmaxLabels(
  model: ModelView,
  tensor: TensorData,
  inputs: readonly TensorData[],
  rows: number,
): TensorData {
  const classes = model.io.classes;
  const c = classes.length;
  const width = tensor.dims.length <= 1 ? 1 : elementCount(tensor.dims.slice(1));
  const positive = c === 2 && width === 1;
  if (width !== c && !positive) {
    throw modelFailed(
      model,
      `output '${tensor.name}' has shape ${shapeOf(tensor)}, expected [${rows}, ${c}] (one column per class: ${classes.join(', ')})`,
    );
  }
  const values = tensor.data as Float32Array | Float64Array;
  const names = new Array<string>(rows);
  for (let r = 0; r < rows; r++) {
    const offset = r * width;
    let best = 0;
    for (let j = 0; j < width; j++) {
      const p = values[offset + j] as number;
      if (!Number.isFinite(p)) throw nonFinite(model, tensor, p, { inputs, rows, row: r });
      if (j > 0 && p > (values[offset + best] as number)) best = j;
    }
    if (positive) {
      const p = values[offset] as number;
      best = p > Math.fround(1 - p) ? 1 : 0;
    }
    names[r] = classes[best] as string;
  }
  return { name: DERIVED_LABEL, type: 'string', dims: [rows], data: names };
}

/**
 * The model's outputs for the request's `inputs`, as the server answers them: a classifier's label as
 * class names. Runs on the HTTP thread after the worker, and costs nothing for
 * a model that already gives names (or has no spec).
 */
export function servedOutputs(
  model: ModelView,
  inputs: readonly TensorData[],
  outputs: TensorData[],
  rows: number,
): TensorData[] {
  const source = model.io.label;
  if (!source) return outputs;
  if (source.from === 'index') {
    return outputs.map((o) => (o.name === source.output ? indexLabels(model, o) : o));
  }
  const probabilities = outputs.find((o) => o.name === source.probabilities) as TensorData;
  return [...outputs, argmaxLabels(model, probabilities, inputs, rows)];
}
