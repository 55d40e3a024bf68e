import { UserError } from '@modelgate/core';
import type { Tensor } from 'onnxruntime-node';
import type { ColumnPredictions, ColumnsSpec } from './columns.js';
import { formatShape, type ModelSignature, type TensorSignature } from './signature.js';

/** Which model outputs carry what; decided once per model and spec. */
export interface OutputPlan {
  probabilities?: string;
  label?: string;
  prediction?: string;
}

const NUMERIC_TYPES = new Set(['float32', 'float64', 'float16', 'int64', 'int32', 'int16', 'int8', 'uint8']);

function outputList(signature: ModelSignature): string {
  return signature.outputs.map((o) => `'${o.name}' (${o.type})`).join(', ');
}

function checkTensor(output: TensorSignature): TensorSignature {
  if (output.type === 'non-tensor') {
    throw new UserError(
      `model output '${output.name}' is not a tensor (a ZipMap or sequence?); export classifiers without ZipMap`,
    );
  }
  return output;
}

/**
 * Regression: `prediction`, or the only output. Classification: `probabilities`
 * and/or `label`, else a float output of width C and a string/integer output.
 */
export function planOutputs(signature: ModelSignature, spec: ColumnsSpec): OutputPlan {
  const named = new Map(signature.outputs.map((o) => [o.name, o]));
  if (spec.task === 'regression') {
    const output =
      named.get('prediction') ??
      named.get('variable') ??
      (signature.outputs.length === 1 ? signature.outputs[0] : undefined);
    if (!output) {
      throw new UserError(
        `the model has no 'prediction' (or 'variable') output (outputs: ${outputList(signature)}); expected [N] or [N, 1] predictions`,
      );
    }
    checkTensor(output);
    if (!NUMERIC_TYPES.has(output.type)) {
      throw new UserError(`model output '${output.name}' is ${output.type}, expected float32 predictions`);
    }
    return { prediction: output.name };
  }
  const tensors = signature.outputs.filter((o) => o.type !== 'non-tensor');
  const floats = tensors.filter((o) => o.type === 'float32' || o.type === 'float64');
  // A binary model's only float output, whatever its name, may be P(second class) as [N].
  const probabilities =
    named.get('probabilities') ??
    floats.find((o) => o.shape.length === 2) ??
    (spec.task === 'binary' && floats.length === 1 ? floats[0] : undefined);
  const label =
    named.get('label') ??
    tensors.find(
      (o) => o !== probabilities && o.shape.length <= 2 && (o.type === 'string' || o.type.startsWith('int')),
    );
  if (!probabilities && !label) {
    const zipMap = signature.outputs.find((o) => o.type === 'non-tensor');
    if (zipMap) checkTensor(zipMap);
    throw new UserError(
      `the model has no 'probabilities' or 'label' output (outputs: ${outputList(signature)})`,
    );
  }
  const plan: OutputPlan = {};
  if (probabilities) plan.probabilities = checkTensor(probabilities).name;
  if (label) plan.label = checkTensor(label).name;
  return plan;
}

function toFloat32(tensor: Tensor): Float32Array {
  const data = tensor.data;
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float32Array.from(data, Number);
  return Float32Array.from(data as ArrayLike<number>);
}

/** Fills `into` (preallocated for all rows) with one batch's outputs, rows [start, start + n). */
export function collectOutputs(
  plan: OutputPlan,
  spec: ColumnsSpec,
  results: Readonly<Record<string, Tensor>>,
  into: Required<ColumnPredictions>,
  start: number,
  n: number,
  keepNonFinite = false,
): void {
  if (plan.prediction) {
    const tensor = results[plan.prediction] as Tensor;
    const values = toFloat32(tensor);
    if (values.length !== n) {
      throw new UserError(
        `model output '${plan.prediction}' has shape ${formatShape(tensor.dims as number[])}, expected [N] or [N, 1] with N = ${n}`,
      );
    }
    into.prediction.set(values, start);
    return;
  }
  const classes = spec.classes ?? [];
  const c = classes.length;
  if (plan.probabilities) {
    const tensor = results[plan.probabilities] as Tensor;
    const values = toFloat32(tensor);
    if (!keepNonFinite) checkFinite(plan.probabilities, values);
    if (values.length === n * c) into.probabilities.set(values, start * c);
    else if (c === 2 && values.length === n) {
      // A binary model giving only P(second class).
      for (let i = 0; i < n; i++) {
        into.probabilities[(start + i) * 2] = 1 - (values[i] as number);
        into.probabilities[(start + i) * 2 + 1] = values[i] as number;
      }
    } else {
      throw new UserError(
        `model output '${plan.probabilities}' has shape ${formatShape(tensor.dims as number[])}, expected [N, ${c}] (one column per class: ${classes.join(', ')})`,
      );
    }
  }
  if (plan.label) {
    const tensor = results[plan.label] as Tensor;
    labelIndices(plan.label, tensor, classes, into.label, start, n);
  } else {
    for (let i = 0; i < n; i++) into.label[start + i] = argmax(into.probabilities, (start + i) * c, c);
  }
}

function checkFinite(name: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i] as number)) {
      throw new UserError(
        `model output '${name}' gave ${values[i]} at element ${i}, expected finite probabilities`,
      );
    }
  }
}

/**
 * Class indices from a label output: strings are class names; integers are
 * indices into the classes (what torch's argmax gives), never class values.
 */
function labelIndices(
  name: string,
  tensor: Tensor,
  classes: readonly string[],
  into: Int32Array,
  start: number,
  n: number,
): void {
  const index = new Map(classes.map((cls, i) => [cls, i]));
  const data = tensor.data as ArrayLike<unknown>;
  if (data.length !== n) {
    throw new UserError(
      `model output '${name}' has shape ${formatShape(tensor.dims as number[])}, expected [N] with N = ${n}`,
    );
  }
  if (!Array.isArray(data)) {
    for (let i = 0; i < n; i++) {
      const k = Number(data[i]);
      if (!Number.isInteger(k) || k < 0 || k >= classes.length) {
        throw new UserError(
          `model output '${name}' gave ${String(data[i])}, expected a class index from 0 to ${classes.length - 1} (classes: ${classes.join(', ')})`,
        );
      }
      into[start + i] = k;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const value = String(data[i]);
    const k = index.get(value);
    if (k === undefined) {
      throw new UserError(
        `model output '${name}' gave '${value}', which is not one of the classes (${classes.join(', ')})`,
      );
    }
    into[start + i] = k;
  }
}

function argmax(values: Float32Array, offset: number, width: number): number {
  let best = 0;
  for (let j = 1; j < width; j++) {
    if ((values[offset + j] as number) > (values[offset + best] as number)) best = j;
  }
  return best;
}
