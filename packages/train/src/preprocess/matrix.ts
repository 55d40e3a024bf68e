import type { CategoricalColumn, NumericColumn } from '@modelgate/core';
import { alignColumns } from '@modelgate/runtime';
import { standardizeValue } from '../onnx/preprocess.js';
import type { FeatureSpec, TrainingSet } from '../types.js';
import { datetimeParts } from './datetime.js';
import type { Encoding } from './encoding.js';

/** A numeric column's value as the model input gets it: float32, NaN when missing. */
function rawValue(column: NumericColumn, row: number): number {
  return column.valid[row] ? Math.fround(column.values[row] as number) : Number.NaN;
}

/**
 * The encoded matrix of a set, row-major [rows, encoding.width] float32:
 * exactly what the encoding graph computes from the same raw values (the
 * numeric steps through `standardizeValue`, the graph's float32 operations).
 */
export function encodeSet(
  encoding: Encoding,
  features: readonly FeatureSpec[],
  set: TrainingSet,
): Float32Array {
  const columns = alignColumns({ features }, set);
  const { rows } = set;
  const width = encoding.width;
  const out = new Float32Array(rows * width);
  let j = 0;
  for (const step of encoding.numeric) {
    const column = columns[step.feature] as NumericColumn;
    for (let i = 0; i < rows; i++) {
      const raw = rawValue(column, i);
      const value = step.part ? Math.fround(datetimeParts(raw)[step.part]) : raw;
      out[i * width + j] = standardizeValue(value, step.fill, step.mean, step.scale);
    }
    j++;
  }
  for (const feature of encoding.indicators) {
    const column = columns[feature] as NumericColumn;
    for (let i = 0; i < rows; i++) out[i * width + j] = Number.isNaN(rawValue(column, i)) ? 1 : 0;
    j++;
  }
  for (const step of encoding.categorical) {
    const column = columns[step.feature] as CategoricalColumn;
    const size = step.categories.length;
    for (let i = 0; i < rows; i++) {
      const code = column.codes[i] as number;
      const index = code >= 0 && code < size ? code : size;
      if (encoding.options.categorical === 'onehot') out[i * width + j + index] = 1;
      else out[i * width + j] = index;
    }
    j += encoding.options.categorical === 'onehot' ? size + 1 : 1;
  }
  return out;
}
