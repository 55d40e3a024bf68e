import type { CategoricalColumn, NumericColumn } from '@modelgate/core';
import { alignColumns } from '@modelgate/runtime';
import { standardizeValue } from '../onnx/index.js';
import type { FeatureSpec, TrainingSet } from '../types.js';
import type { Layout } from './layout.js';

/**
 * A design matrix kept sparse where it is sparse: the standardised numeric
 * block densely (float32 values, exactly what the ONNX graph computes) and one
 * one-hot column index per categorical feature (-1 = all zeros).
 */
export interface Design {
  rows: number;
  /** Row-major [rows, layout.numeric.length]. */
  numeric: Float32Array;
  /** Row-major [rows, layout.categorical.length]: the active one-hot column, or -1. */
  hot: Int32Array;
  layout: Layout;
}

export function buildDesign(layout: Layout, features: readonly FeatureSpec[], set: TrainingSet): Design {
  const columns = alignColumns({ features }, set);
  const rows = set.rows;
  const k = layout.numeric.length;
  const c = layout.categorical.length;
  const numeric = new Float32Array(rows * k);
  layout.numeric.forEach((step, j) => {
    const column = columns[step.feature] as NumericColumn;
    for (let i = 0; i < rows; i++) {
      const value = column.valid[i] ? Math.fround(column.values[i] as number) : Number.NaN;
      numeric[i * k + j] = standardizeValue(value, step.fill, step.mean, step.scale);
    }
  });
  const hot = new Int32Array(rows * c);
  layout.categorical.forEach((step, j) => {
    const column = columns[step.feature] as CategoricalColumn;
    const size = step.categories.length;
    for (let i = 0; i < rows; i++) {
      const code = column.codes[i] as number;
      hot[i * c + j] = code >= 0 && code < size ? step.offset + code : -1;
    }
  });
  return { rows, numeric, hot, layout };
}

/**
 * scores[i, :] = intercept + x_i · W for W row-major [width, outputs], in
 * double precision as the ONNX graph's MatMul computes it.
 */
export function linearScores(design: Design, weights: Float64Array, intercept: Float64Array): Float64Array {
  const { rows, numeric, hot } = design;
  const k = design.layout.numeric.length;
  const c = design.layout.categorical.length;
  const m = intercept.length;
  const scores = new Float64Array(rows * m);
  for (let i = 0; i < rows; i++) {
    const row = i * m;
    for (let o = 0; o < m; o++) scores[row + o] = intercept[o] as number;
    for (let j = 0; j < k; j++) {
      const x = numeric[i * k + j] as number;
      if (x === 0) continue;
      const w = j * m;
      for (let o = 0; o < m; o++)
        scores[row + o] = (scores[row + o] as number) + x * (weights[w + o] as number);
    }
    for (let j = 0; j < c; j++) {
      const col = hot[i * c + j] as number;
      if (col < 0) continue;
      const w = col * m;
      for (let o = 0; o < m; o++) scores[row + o] = (scores[row + o] as number) + (weights[w + o] as number);
    }
  }
  return scores;
}
