import { badRequest } from './http-error.js';
import type { PackedFeature, PackedInput } from './model-io.js';
import { allocateUnfilled, type TensorData } from './tensor.js';

export function listNames(names: Iterable<string>): string {
  return [...names].map((n) => `'${n}'`).join(', ');
}

/** The two forms a packed model's request may take, for error messages. */
export function packedForms(packed: PackedInput): string {
  return `one input per feature (${listNames(packed.features.map((f) => f.name))}) or the packed input '${packed.name}' [N, ${packed.features.length}]`;
}

/** A missing category (or one the model was not trained on) is NaN, as the runtime feeds it. */
export function categoryCode(feature: PackedFeature, value: string): number {
  return feature.codes?.get(value) ?? Number.NaN;
}

/** Every name one of the features, every feature named: else a 400 naming them and the forms the model takes. */
export function checkFeatureNames(
  packed: PackedInput,
  names: Iterable<string>,
  what: 'input' | 'column',
): void {
  const given = new Set(names);
  const known = new Set(packed.features.map((f) => f.name));
  const unknown = [...given].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw badRequest(
      `unknown ${what}${unknown.length > 1 ? 's' : ''} ${listNames(unknown)}; the model takes ${packedForms(packed)}`,
    );
  }
  const missing = packed.features.filter((f) => !given.has(f.name)).map((f) => f.name);
  if (missing.length > 0) {
    throw badRequest(
      `missing ${what}${missing.length > 1 ? 's' : ''} ${listNames(missing)}; the model takes ${packedForms(packed)}`,
    );
  }
}

/**
 * One float [rows, F] tensor from one column per feature (numbers, or category
 * names for a categorical feature), in the spec's feature order.
 */
export function packColumns(
  packed: PackedInput,
  columns: ReadonlyMap<string, TensorData>,
  what: 'input' | 'column',
): TensorData {
  checkFeatureNames(packed, columns.keys(), what);
  const first = columns.get((packed.features[0] as PackedFeature).name) as TensorData;
  const rows = first.dims[0] as number;
  const width = packed.features.length;
  const data = allocateUnfilled(packed.type, rows * width) as Float32Array | Float64Array;
  packed.features.forEach((feature, j) => {
    const column = columns.get(feature.name) as TensorData;
    if (column.dims[0] !== rows) {
      throw badRequest(
        `${what} '${feature.name}' has ${column.dims[0]} rows, ${what} '${first.name}' has ${rows}; every ${what} needs the same number of rows`,
      );
    }
    if (Array.isArray(column.data)) {
      const names = column.data;
      for (let i = 0; i < rows; i++) data[i * width + j] = categoryCode(feature, names[i] as string);
    } else {
      const values = column.data as Float32Array | Float64Array;
      for (let i = 0; i < rows; i++) data[i * width + j] = values[i] as number;
    }
  });
  return { name: packed.name, type: packed.type, dims: [rows, width], data };
}

/** The packed tensor as one column per feature: what monitoring compares with the training data. */
export function unpackColumns(
  packed: PackedInput,
  tensor: TensorData,
  rows: number,
): Record<string, unknown[]> {
  const values = tensor.data as Float32Array | Float64Array;
  const width = packed.features.length;
  const columns: Record<string, unknown[]> = {};
  packed.features.forEach((feature, j) => {
    const column = new Array<unknown>(rows);
    for (let i = 0; i < rows; i++) {
      const v = values[i * width + j] as number;
      if (!Number.isFinite(v)) column[i] = null;
      else if (feature.categories) column[i] = feature.categories[v] ?? null;
      else column[i] = v;
    }
    columns[feature.name] = column;
  });
  return columns;
}
