import type { PackedInput } from './model-io.js';
import { categoryCode } from './packed-input.js';
import { allocateUnfilled, type TensorData } from './tensor.js';

/**
 * MLflow's `dataframe_split` for a packed model, straight into its [rows, F] tensor: the common
 * request, without a column array per feature and a tensor per column in between. Anything unusual
 * (a feature missing or unknown, a repeated column, a row of the wrong length, a cell that is not a
 * number or category name) returns undefined, and the general path reads the request and names what
 * is wrong.
 */
export function packedFromSplit(
  packed: PackedInput,
  split: Record<string, unknown>,
  coerce: (type: 'string' | 'float64', value: unknown) => unknown,
): { inputs: TensorData[]; rows: number } | undefined {
  const { columns, data: table } = split;
  if (!Array.isArray(columns) || !Array.isArray(table) || table.length === 0) return undefined;
  const { features } = packed;
  if (columns.length !== features.length) return undefined;
  const names = columns.map((c) => String(c));
  const at = features.map((f) => names.indexOf(f.name));
  if (at.some((i) => i < 0) || new Set(names).size !== names.length) return undefined;
  const rows = table.length;
  const width = features.length;
  const data = allocateUnfilled(packed.type, rows * width) as Float32Array | Float64Array;
  for (let r = 0; r < rows; r++) {
    const row = table[r];
    if (!Array.isArray(row) || row.length !== width) return undefined;
    for (let j = 0; j < width; j++) {
      const feature = features[j] as PackedInput['features'][number];
      const cell = row[at[j] as number];
      if (feature.codes) {
        const name = coerce('string', cell);
        if (typeof name !== 'string') return undefined;
        data[r * width + j] = categoryCode(feature, name);
      } else {
        const value = coerce('float64', cell);
        if (value === null) data[r * width + j] = Number.NaN;
        else if (typeof value === 'number') data[r * width + j] = value;
        else return undefined;
      }
    }
  }
  return { inputs: [{ name: packed.name, type: packed.type, dims: [rows, width], data }], rows };
}
