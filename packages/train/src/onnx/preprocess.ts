import type { FeatureSpec } from '../types.js';
import { attr } from './attributes.js';
import { ML_DOMAIN, type OnnxGraph } from './graph-builder.js';

/**
 * The raw-input layer: one graph input per feature, named after the column,
 * [N,1] float for numeric and [N,1] string for categorical. Returns the input
 * names in feature order.
 */
export function addRawInputs(g: OnnxGraph, features: readonly FeatureSpec[]): string[] {
  return features.map((f) =>
    g.input(f.name, { dtype: f.kind === 'numeric' ? 'float' : 'string', shape: ['N', 1] }),
  );
}

/** Concatenates [N,k] float tensors along the columns; one tensor passes through unchanged. */
export function concatColumns(g: OnnxGraph, tensors: readonly string[], hint = 'columns'): string {
  if (tensors.length === 0) throw new Error('concatColumns needs at least one tensor');
  if (tensors.length === 1) return tensors[0] as string;
  return g.node('Concat', tensors, { axis: attr.int(1) }, { hint });
}

/** Learned on the training split; one entry per numeric column of the block, all float32 values. */
export interface NumericPreprocessing {
  /** Replaces NaN (a missing value). */
  fill: Float32Array;
  /** Standardisation `(x - mean) / scale`, in float32; omit both to only impute. */
  mean?: Float32Array;
  scale?: Float32Array;
}

/**
 * Numeric [N,1] float inputs -> one [N,k] block: NaN replaced by `fill`, then
 * `(x - mean) / scale`. Each op is one float32 rounding, which
 * `standardizeValue` reproduces exactly.
 */
export function numericBlock(g: OnnxGraph, inputs: readonly string[], prep: NumericPreprocessing): string {
  const k = inputs.length;
  for (const [key, values] of Object.entries(prep)) {
    if ((values as Float32Array).length !== k) {
      throw new Error(`numericBlock: ${key} has ${(values as Float32Array).length} values for ${k} inputs`);
    }
  }
  const block = concatColumns(g, inputs, 'numeric');
  const missing = g.node('IsNaN', [block], {}, { hint: 'numeric_missing' });
  let out = g.node('Where', [missing, g.initializer('fill', prep.fill), block], {}, { hint: 'imputed' });
  if (prep.mean) out = g.node('Sub', [out, g.initializer('mean', prep.mean)], {}, { hint: 'centered' });
  if (prep.scale) out = g.node('Div', [out, g.initializer('scale', prep.scale)], {}, { hint: 'scaled' });
  return out;
}

/** What `numericBlock` computes for one value (NaN or null -> fill), in the same float32 steps. */
export function standardizeValue(
  value: number,
  fill: number,
  mean: number | undefined,
  scale: number | undefined,
): number {
  let v = Number.isNaN(value) ? fill : value;
  if (mean !== undefined) v = Math.fround(v - mean);
  if (scale !== undefined) v = Math.fround(v / scale);
  return v;
}

/**
 * A categorical [N,1] string input -> [N,K] float one-hot over `categories`;
 * an empty string or a category unseen in training gives all zeros.
 * `categories` must not be empty. It materialises N×K floats: for a linear
 * layer on many categories, a Gather on `categoryIndex` is much cheaper.
 */
export function oneHot(g: OnnxGraph, input: string, categories: readonly string[]): string {
  if (categories.length === 0) throw new Error(`oneHot(${input}): no categories`);
  const encoded = g.node(
    'OneHotEncoder',
    [input],
    { cats_strings: attr.strings(categories), zeros: attr.int(1) },
    { domain: ML_DOMAIN, hint: 'onehot' },
  );
  // OneHotEncoder appends a dimension: [N,1] -> [N,1,K].
  return g.node(
    'Reshape',
    [encoded, g.int64s('onehot_shape', [-1, categories.length])],
    {},
    { hint: 'onehot' },
  );
}

/**
 * A categorical [N,1] string input -> [N,1] int64 index into `categories`;
 * an empty string or a category unseen in training gives `unseen` (e.g.
 * categories.length, the zero row of a padded lookup table for Gather).
 */
export function categoryIndex(
  g: OnnxGraph,
  input: string,
  categories: readonly string[],
  unseen: number,
): string {
  return g.node(
    'LabelEncoder',
    [input],
    {
      keys_strings: attr.strings(categories),
      values_int64s: attr.ints(categories.map((_, i) => i)),
      default_int64: attr.int(unseen),
    },
    { domain: ML_DOMAIN, hint: 'index' },
  );
}

/**
 * A categorical [N,1] string input -> [N,1] float code: the category's index in
 * `categories`, `unseen` (default NaN) for an empty string or a category unseen
 * in training.
 */
export function categoryCode(
  g: OnnxGraph,
  input: string,
  categories: readonly string[],
  unseen = Number.NaN,
): string {
  return g.node(
    'LabelEncoder',
    [input],
    {
      keys_strings: attr.strings(categories),
      values_floats: attr.floats(categories.map((_, i) => i)),
      default_float: attr.float(unseen),
    },
    { domain: ML_DOMAIN, hint: 'code' },
  );
}

/**
 * All features as one [N,F] float matrix in spec order, for trees: numeric
 * values as sent (NaN = missing), categoricals as their code in the feature's
 * categories (NaN for empty or unseen), matching TrainingSet's codes.
 */
export function featureMatrix(
  g: OnnxGraph,
  features: readonly FeatureSpec[],
  inputs: readonly string[],
): string {
  const columns = features.map((f, j) => {
    const input = inputs[j] as string;
    return f.kind === 'numeric' ? input : categoryCode(g, input, f.categories ?? []);
  });
  return concatColumns(g, columns, 'features');
}
