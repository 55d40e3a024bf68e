import { type NumericColumn, UserError } from '@modelgate/core';
import { alignColumns } from '@modelgate/runtime';
import type { ProblemSpec, TrainingSet } from '../types.js';

/** A numeric feature's preprocessing, learned on the training split; all values float32. */
export interface NumericStep {
  feature: number;
  /** Replaces a missing value: the training mean. */
  fill: number;
  mean: number;
  /** Population standard deviation (1 for a constant column). */
  scale: number;
}

/** A categorical feature's one-hot block: columns `offset .. offset + categories.length - 1`. */
export interface CategoricalStep {
  feature: number;
  categories: readonly string[];
  offset: number;
}

/**
 * The design matrix's columns: standardised numeric features first (in spec
 * order), then one one-hot block per categorical feature (in spec order).
 */
export interface Layout {
  numeric: NumericStep[];
  categorical: CategoricalStep[];
  width: number;
}

function numericStep(feature: number, column: NumericColumn): NumericStep {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < column.values.length; i++) {
    const v = column.values[i] as number;
    if (!column.valid[i] || Number.isNaN(v)) continue;
    if (!Number.isFinite(v)) {
      throw new UserError(
        `feature '${column.name}' has infinite values; linear models need finite numbers (filter or replace them)`,
      );
    }
    n++;
    sum += v;
  }
  if (n === 0) return { feature, fill: 0, mean: 0, scale: 1 };
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < column.values.length; i++) {
    const v = column.values[i] as number;
    if (column.valid[i] && !Number.isNaN(v)) squares += (v - mean) ** 2;
  }
  const scale = Math.fround(Math.sqrt(squares / n));
  const mean32 = Math.fround(mean);
  return { feature, fill: mean32, mean: mean32, scale: scale > 0 && Number.isFinite(scale) ? scale : 1 };
}

/** Mean imputation, standardisation and one-hot categories, learned on the training split. */
export function learnLayout(spec: ProblemSpec, train: TrainingSet): Layout {
  const columns = alignColumns(spec, train);
  const numeric: NumericStep[] = [];
  const categorical: CategoricalStep[] = [];
  columns.forEach((column, j) => {
    if (!('codes' in column)) numeric.push(numericStep(j, column));
  });
  let offset = numeric.length;
  columns.forEach((column, j) => {
    if (!('codes' in column)) return;
    const categories = spec.features[j]?.categories ?? column.dictionary;
    if (categories.length === 0) return;
    categorical.push({ feature: j, categories: [...categories], offset });
    offset += categories.length;
  });
  return { numeric, categorical, width: offset };
}
