import type { CategoricalColumn, ColumnData, NumericColumn } from '@modelgate/core';
import type { FeatureSpec } from '../types.js';

/** The spec of a feature as the training split shows it: categories are its sorted dictionary. */
export function featureSpec(train: ColumnData): FeatureSpec {
  return 'codes' in train
    ? { name: train.name, kind: 'categorical', categories: [...train.dictionary] }
    : { name: train.name, kind: 'numeric' };
}

/**
 * The kept rows of a numeric column as the model sees them: float32 values
 * (Math.fround), and NaN with `valid = 0` for both null and NaN, so a missing
 * value looks the same in memory as in the ONNX model.
 */
export function numericFeature(column: NumericColumn, keep: Int32Array): NumericColumn {
  const values = new Float64Array(keep.length);
  const valid = new Uint8Array(keep.length);
  keep.forEach((row, i) => {
    const v = column.values[row] ?? Number.NaN;
    const present = column.valid[row] === 1 && !Number.isNaN(v);
    values[i] = present ? Math.fround(v) : Number.NaN;
    valid[i] = present ? 1 : 0;
  });
  return { kind: column.kind, name: column.name, values, valid };
}

/** The kept rows of a categorical column, coded into the training categories; unseen is -1. */
export function categoricalFeature(
  column: CategoricalColumn,
  keep: Int32Array,
  categories: readonly string[],
): CategoricalColumn {
  const index = new Map(categories.map((c, i) => [c, i]));
  const remap = column.dictionary.map((value) => index.get(value) ?? -1);
  const codes = Int32Array.from(keep, (row) => {
    const code = column.codes[row] ?? -1;
    return code < 0 ? -1 : (remap[code] ?? -1);
  });
  return { kind: 'categorical', name: column.name, codes, dictionary: [...categories] };
}

/** Rows whose value is ±inf, or beyond float32's range (which makes it ±inf in the model): refused. */
export function countInfinite(column: ColumnData, keep: Int32Array): number {
  if ('codes' in column) return 0;
  let n = 0;
  for (const row of keep) {
    const v = column.values[row] ?? 0;
    if (column.valid[row] && !Number.isNaN(v) && !Number.isFinite(Math.fround(v))) n++;
  }
  return n;
}

export function countPresent(column: NumericColumn | CategoricalColumn): number {
  if ('codes' in column) return column.codes.reduce((n, c) => n + (c >= 0 ? 1 : 0), 0);
  return column.valid.reduce((n, v) => n + v, 0);
}
