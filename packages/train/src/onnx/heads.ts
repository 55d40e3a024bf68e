import { attr } from './attributes.js';
import type { OnnxGraph } from './graph-builder.js';

export const OUTPUT_PROBABILITIES = 'probabilities';
export const OUTPUT_LABEL = 'label';
export const OUTPUT_PREDICTION = 'prediction';

/**
 * Classifier outputs from a float [N,C] tensor of class probabilities:
 * `probabilities` [N,C] and `label` [N], the class name of the first largest
 * probability (ArgMax keeps the first index on ties).
 */
export function classifierOutputs(g: OnnxGraph, probabilities: string, classes: readonly string[]): void {
  g.output(probabilities, OUTPUT_PROBABILITIES, { dtype: 'float', shape: ['N', classes.length] });
  const index = g.node(
    'ArgMax',
    [probabilities],
    { axis: attr.int(1), keepdims: attr.int(0) },
    { hint: 'class_index' },
  );
  const names = g.initializer('class_names', classes);
  g.node('Gather', [names, index], { axis: attr.int(0) }, { outputs: [OUTPUT_LABEL] });
  g.output(OUTPUT_LABEL, OUTPUT_LABEL, { dtype: 'string', shape: ['N'] });
}

/** Regressor output `prediction` [N] from a float [N,1] (or [N]) tensor. */
export function regressionOutput(g: OnnxGraph, prediction: string, rank: 1 | 2 = 2): void {
  const flat =
    rank === 1
      ? prediction
      : g.node('Reshape', [prediction, g.int64s('flat_shape', [-1])], {}, { hint: 'flat' });
  g.output(flat, OUTPUT_PREDICTION, { dtype: 'float', shape: ['N'] });
}
