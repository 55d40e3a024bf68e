import type { ColumnData } from '@modelgate/core';

/**
 * The parts of @modelgate/train's ProblemSpec the runtime needs (train depends
 * on runtime, so the types are restated structurally; a ProblemSpec fits).
 */
export interface ColumnsSpec {
  task: 'binary' | 'multiclass' | 'regression';
  features: readonly {
    name: string;
    kind: 'numeric' | 'categorical';
    /** Codes of the column index these; without them the column's own dictionary is used. */
    categories?: readonly string[];
  }[];
  classes?: readonly string[];
}

/** Raw columns (a TrainingSet fits): numeric with a validity mask, categorical as codes (-1 = null/unseen). */
export interface ColumnSet {
  rows: number;
  features: readonly ColumnData[];
}

/** Predictions-shaped model outputs (the same shape as @modelgate/train's Predictions). */
export interface ColumnPredictions {
  /** Classification: class index per row into spec.classes. */
  label?: Int32Array;
  /** Classification: row-major [rows, classes]. */
  probabilities?: Float32Array;
  /** Regression. */
  prediction?: Float32Array;
}
