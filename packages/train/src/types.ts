import type { CategoricalColumn, NumericColumn } from '@modelgate/core';
import type { ModelSpec } from '@modelgate/runtime';

/**
 * A feature as the model sees it: the runtime's. Numeric covers numbers,
 * booleans (0/1) and datetimes (epoch ms); categorical values are strings,
 * coded by their index in the training split's sorted categories.
 */
export type { FeatureSpec } from '@modelgate/runtime';

export type Task = ModelSpec['task'];
export type Algorithm = 'linear' | 'logistic' | 'gbdt' | 'mlp';

/**
 * What the model is for: the runtime's ModelSpec with the target always
 * known, so every ProblemSpec is a ModelSpec. Shared by every trainer, the
 * ONNX export, the metadata and the command contract ($MODELGATE_SPEC).
 */
export interface ProblemSpec extends ModelSpec {
  target: string;
}

/**
 * One split, as trainers consume it. Numeric features are float32-representable
 * (values went through Math.fround) because the ONNX model sees float32; a null
 * is `valid[i] = 0`. Categorical codes index the spec's `categories`; -1 is
 * null or a category unseen in training.
 */
export interface TrainingSet {
  rows: number;
  features: readonly (NumericColumn | CategoricalColumn)[];
  /** Classification: class index per row into `ProblemSpec.classes`. Regression: the value. */
  target: Int32Array | Float64Array;
}

/** In-memory predictions; the ONNX model must give the same (max abs diff <= 1e-5). */
export interface Predictions {
  /** Classification: predicted class index per row. */
  label?: Int32Array;
  /** Classification: row-major [rows, classes]. */
  probabilities?: Float32Array;
  /** Regression. */
  prediction?: Float32Array;
}

export type ParamValue = number | string | boolean;
export type Params = Readonly<Record<string, ParamValue>>;

export interface FitOptions {
  seed: number;
  /**
   * Successive halving's resource (boosting rounds, epochs) when the search
   * runs a trial on a budget; undefined means the trainer's own full budget.
   */
  budget?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export interface TrainedModel {
  readonly algorithm: Algorithm;
  predict(set: TrainingSet): Predictions;
  /**
   * One ONNX model with the preprocessing learned from the training split
   * inside: inputs are raw columns named after the features ([N,1] float for
   * numeric, [N,1] string for categorical); outputs `label` [N] (string class
   * names) and `probabilities` [N,C] for classifiers, `prediction` [N] for
   * regressors; no ZipMap. Same model -> byte-identical bytes.
   */
  toOnnx(spec: ProblemSpec): Uint8Array;
  /** What a reviewer wants in the trials table: e.g. rounds used after early stopping. */
  readonly info: Readonly<Record<string, ParamValue>>;
}

export interface Trainer {
  readonly algorithm: Algorithm;
  readonly tasks: readonly Task[];
  /** Name of the budget successive halving may cut (e.g. 'rounds'); absent if the trainer has none. */
  readonly budget?: { name: string; max: number };
  /** Default hyperparameters; `params` from the search override them. Unknown names are a UserError. */
  readonly defaults: Params;
  fit(
    spec: ProblemSpec,
    train: TrainingSet,
    validation: TrainingSet | undefined,
    params: Params,
    options: FitOptions,
  ): Promise<TrainedModel>;
}
