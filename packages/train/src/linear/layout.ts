import { type NumericColumn, UserError } from '@modelgate/core';
import { alignColumns } from '@modelgate/runtime';
import { numericStatistics } from '../preprocess/statistics.js';
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
  const stats = numericStatistics(column);
  if (stats.infinite > 0) {
    throw new UserError(
      `feature '${column.name}' has infinite values; linear models need finite numbers (filter or replace them)`,
    );
  }
  if (stats.present === 0) return { feature, fill: 0, mean: 0, scale: 1 };
  const scale = Math.fround(stats.std);
  const mean32 = Math.fround(stats.mean);
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
