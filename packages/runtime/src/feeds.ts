import { type ColumnData, UserError } from '@modelgate/core';
import { Tensor } from 'onnxruntime-node';
import type { ColumnSet, ColumnsSpec } from './columns.js';
import { formatShape, type ModelSignature, type TensorSignature } from './signature.js';

type FloatType = 'float32' | 'float64';

interface ColumnInput {
  name: string;
  feature: number;
  type: FloatType | 'string';
  /** Rank of the model input: [N] or [N,1]. */
  rank: 1 | 2;
}

/** How a TrainingSet's columns become model inputs; decided once per model and spec. */
export type InputPlan =
  | { mode: 'columns'; inputs: ColumnInput[] }
  | { mode: 'packed'; name: string; type: FloatType };

const isFloat = (type: string): type is FloatType => type === 'float32' || type === 'float64';

function featureList(spec: ColumnsSpec): string {
  return spec.features.map((f) => f.name).join(', ');
}

function columnInput(input: TensorSignature, spec: ColumnsSpec, feature: number): ColumnInput {
  const f = spec.features[feature] as ColumnsSpec['features'][number];
  const expected = f.kind === 'numeric' ? 'float32 (or float64)' : 'string';
  const typeOk = f.kind === 'numeric' ? isFloat(input.type) : input.type === 'string';
  if (!typeOk) {
    throw new UserError(
      `model input '${input.name}' is ${input.type}, expected ${expected} for ${f.kind} feature '${f.name}'`,
    );
  }
  const { shape } = input;
  const width = shape[1];
  if (shape.length > 2 || (shape.length === 2 && width !== 1 && width !== -1)) {
    throw new UserError(
      `model input '${input.name}' has shape ${formatShape(shape)}, expected [N, 1] for feature '${f.name}'`,
    );
  }
  return {
    name: input.name,
    feature,
    type: input.type as ColumnInput['type'],
    rank: shape.length === 1 ? 1 : 2,
  };
}

function packedPlan(input: TensorSignature, spec: ColumnsSpec): InputPlan {
  const width = input.shape[1] ?? -1;
  if (width !== -1 && width !== spec.features.length) {
    throw new UserError(
      `model input '${input.name}' has width ${width}, expected ${spec.features.length} (one column per feature, in order: ${featureList(spec)})`,
    );
  }
  return { mode: 'packed', name: input.name, type: input.type as FloatType };
}

/**
 * Per-column inputs named after the features, or one float [N,F] tensor packed
 * in spec feature order. A model input no feature can fill is a UserError
 * naming it and what was expected.
 */
export function planInputs(signature: ModelSignature, spec: ColumnsSpec): InputPlan {
  const byName = new Map(spec.features.map((f, i) => [f.name, i]));
  const [only, ...rest] = signature.inputs;
  if (!only) throw new UserError('the model has no inputs');
  const packable = rest.length === 0 && isFloat(only.type) && only.shape.length === 2;
  const onlyWidth = only.shape[1] ?? -1;
  if (packable && (!byName.has(only.name) || (onlyWidth === spec.features.length && onlyWidth > 1))) {
    return packedPlan(only, spec);
  }
  const inputs = signature.inputs.map((input) => {
    const feature = byName.get(input.name);
    if (feature === undefined) {
      throw new UserError(
        `model input '${input.name}' matches no feature column (features: ${featureList(spec)}); expected one input per feature named after it, or a single float [N, ${spec.features.length}] input`,
      );
    }
    return columnInput(input, spec, feature);
  });
  return { mode: 'columns', inputs };
}

/** The set's columns in spec feature order. */
export function alignColumns(spec: Pick<ColumnsSpec, 'features'>, set: ColumnSet): ColumnData[] {
  const byName = new Map(set.features.map((c) => [c.name, c]));
  return spec.features.map((f) => {
    const column = byName.get(f.name);
    if (!column) throw new UserError(`the data has no column '${f.name}' (a feature of the model)`);
    if ((f.kind === 'categorical') !== 'codes' in column) {
      throw new UserError(`column '${f.name}' is ${column.kind}, but the model expects a ${f.kind} feature`);
    }
    return column;
  });
}

function numericValue(column: ColumnData, row: number): number {
  if ('codes' in column) {
    const code = column.codes[row] as number;
    return code < 0 ? Number.NaN : code;
  }
  return column.valid[row] ? (column.values[row] as number) : Number.NaN;
}

function floatArray(type: FloatType, length: number): Float32Array | Float64Array {
  return type === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/** Feeds for rows [start, end): NaN for missing numbers, '' for missing or unknown categories. */
export function buildFeeds(
  plan: InputPlan,
  spec: ColumnsSpec,
  columns: readonly ColumnData[],
  start: number,
  end: number,
): Record<string, Tensor> {
  const n = end - start;
  if (plan.mode === 'packed') {
    const width = columns.length;
    const data = floatArray(plan.type, n * width);
    columns.forEach((column, j) => {
      for (let i = 0; i < n; i++) data[i * width + j] = numericValue(column, start + i);
    });
    return { [plan.name]: new Tensor(plan.type, data, [n, width]) };
  }
  const feeds: Record<string, Tensor> = {};
  for (const input of plan.inputs) {
    const column = columns[input.feature] as ColumnData;
    const dims = input.rank === 1 ? [n] : [n, 1];
    if (input.type === 'string' && 'codes' in column) {
      const categories = spec.features[input.feature]?.categories ?? column.dictionary;
      const data = new Array<string>(n);
      for (let i = 0; i < n; i++) data[i] = categories[column.codes[start + i] as number] ?? '';
      feeds[input.name] = new Tensor('string', data, dims);
    } else {
      const data = floatArray(input.type as FloatType, n);
      for (let i = 0; i < n; i++) data[i] = numericValue(column, start + i);
      feeds[input.name] = new Tensor(input.type as FloatType, data, dims);
    }
  }
  return feeds;
}
