import {
  attr,
  categoryIndex,
  classifierOutputs,
  concatColumns,
  DTYPE_CODES,
  finishModel,
  numericBlock,
  type OnnxGraph,
  regressionOutput,
  startModelGraph,
} from '../onnx/index.js';
import type { ProblemSpec } from '../types.js';
import type { LinearFit } from './linear-model.js';

/** Rows of W for columns [from, to), plus a zero row for an empty/unseen category. */
function weightRows(fit: LinearFit, from: number, to: number, padded: boolean): Float64Array {
  const outputs = fit.intercept.length;
  const rows = fit.weights.slice(from * outputs, to * outputs);
  if (!padded) return rows;
  const out = new Float64Array(rows.length + outputs);
  out.set(rows);
  return out;
}

/**
 * scores = intercept + standardised numerics · W_numeric + Σ_categorical W[category]
 * in double precision: the numeric block is imputed and standardised in
 * float32 (as in memory), cast to double and multiplied; each categorical adds
 * its category's weight row by Gather, which is the one-hot product without
 * materialising N×K one-hot columns.
 */
function scoresGraph(g: OnnxGraph, fit: LinearFit, inputs: readonly string[]): string {
  const { layout } = fit;
  const outputs = fit.intercept.length;
  const terms: string[] = [];
  if (layout.numeric.length > 0) {
    const block = numericBlock(
      g,
      layout.numeric.map((s) => inputs[s.feature] as string),
      {
        fill: Float32Array.from(layout.numeric, (s) => s.fill),
        mean: Float32Array.from(layout.numeric, (s) => s.mean),
        scale: Float32Array.from(layout.numeric, (s) => s.scale),
      },
    );
    const asDouble = g.node(
      'Cast',
      [block],
      { to: attr.int(DTYPE_CODES.double) },
      { hint: 'numeric_double' },
    );
    const weights = g.initializer('numeric_weights', weightRows(fit, 0, layout.numeric.length, false), [
      layout.numeric.length,
      outputs,
    ]);
    terms.push(g.node('MatMul', [asDouble, weights], {}, { hint: 'numeric_scores' }));
  }
  for (const step of layout.categorical) {
    const size = step.categories.length;
    const index = categoryIndex(g, inputs[step.feature] as string, step.categories, size);
    const table = g.initializer('category_weights', weightRows(fit, step.offset, step.offset + size, true), [
      size + 1,
      outputs,
    ]);
    const rows = g.node('Gather', [table, index], { axis: attr.int(0) }, { hint: 'category_scores' });
    terms.push(
      g.node('Reshape', [rows, g.int64s('scores_shape', [-1, outputs])], {}, { hint: 'category_scores' }),
    );
  }
  let scores = g.node(
    'Add',
    [terms[0] as string, g.initializer('intercept', fit.intercept)],
    {},
    { hint: 'scores' },
  );
  for (const term of terms.slice(1)) scores = g.node('Add', [scores, term], {}, { hint: 'scores' });
  return scores;
}

/** raw columns -> linear scores (double) -> sigmoid / softmax / identity -> float32 outputs. */
export function linearOnnx(fit: LinearFit, spec: ProblemSpec): Uint8Array {
  if (
    spec.features.length !== fit.features.length ||
    spec.features.some((f, j) => f.name !== fit.features[j]?.name)
  ) {
    throw new Error('toOnnx: the spec has other features than the model was fitted on');
  }
  const outputs = fit.intercept.length;
  const classes = spec.classes ?? [];
  if (fit.task !== 'regression' && classes.length !== (outputs === 1 ? 2 : outputs)) {
    throw new Error(`toOnnx: the spec has ${classes.length} classes, the model ${Math.max(outputs, 2)}`);
  }
  const { graph: g, inputs } = startModelGraph(spec);
  const scores = scoresGraph(g, fit, inputs);
  const toFloat = { to: attr.int(DTYPE_CODES.float) };
  if (fit.task === 'regression') {
    regressionOutput(g, g.node('Cast', [scores], toFloat, { hint: 'prediction_2d' }));
  } else {
    let probabilities: string;
    if (outputs === 1) {
      const positive = g.node('Sigmoid', [scores]);
      const negative = g.node('Sub', [g.initializer('one', new Float64Array([1])), positive]);
      probabilities = concatColumns(g, [negative, positive], 'probabilities_double');
    } else {
      probabilities = g.node('Softmax', [scores], { axis: attr.int(1) }, { hint: 'probabilities_double' });
    }
    classifierOutputs(g, g.node('Cast', [probabilities], toFloat, { hint: 'probabilities' }), classes);
  }
  return finishModel(g, spec, fit.algorithm);
}
