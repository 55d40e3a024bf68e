import { attr } from '../onnx/attributes.js';
import { DTYPE_CODES } from '../onnx/dtypes.js';
import type { OnnxGraph } from '../onnx/graph-builder.js';
import { categoryCode, categoryIndex, concatColumns, numericBlock } from '../onnx/preprocess.js';
import { datetimePartsGraph } from './datetime.js';
import type { Encoding } from './encoding.js';

/**
 * One-hot with the missing-or-unseen slot: the category's index (K for an
 * empty string or a category unseen in training) compared with 0..K, so an
 * [N,1] string input gives [N,K+1] floats.
 */
function oneHotWithUnseen(g: OnnxGraph, input: string, categories: readonly string[]): string {
  const size = categories.length;
  const index = categoryIndex(g, input, categories, size);
  const slots = g.int64s(
    'onehot_slots',
    Array.from({ length: size + 1 }, (_, k) => k),
  );
  const hot = g.node('Equal', [index, slots], {}, { hint: 'onehot' });
  return g.node('Cast', [hot], { to: attr.int(DTYPE_CODES.float) }, { hint: 'onehot' });
}

/**
 * The encoded [N, encoding.width] float matrix from the raw feature inputs
 * (`inputs` in spec feature order, as addRawInputs gives them): the built-in
 * preprocessing steps (numericBlock, categoryIndex, categoryCode) in the
 * column order of `encodeSet`. Every op has the same form from opset 9 on.
 */
export function encodingGraph(g: OnnxGraph, encoding: Encoding, inputs: readonly string[]): string {
  const blocks: string[] = [];
  const parts = new Map(
    encoding.datetime.map((d) => [d.feature, datetimePartsGraph(g, inputs[d.feature] as string, d.parts)]),
  );
  if (encoding.numeric.length > 0) {
    const columns = encoding.numeric.map((step) =>
      step.part ? (parts.get(step.feature)?.get(step.part) as string) : (inputs[step.feature] as string),
    );
    const standardized = encoding.options.numeric === 'standardize';
    blocks.push(
      numericBlock(g, columns, {
        fill: Float32Array.from(encoding.numeric, (s) => s.fill),
        ...(standardized
          ? {
              mean: Float32Array.from(encoding.numeric, (s) => s.mean ?? 0),
              scale: Float32Array.from(encoding.numeric, (s) => s.scale ?? 1),
            }
          : {}),
      }),
    );
  }
  for (const feature of encoding.indicators) {
    const missing = g.node('IsNaN', [inputs[feature] as string], {}, { hint: 'missing' });
    blocks.push(g.node('Cast', [missing], { to: attr.int(DTYPE_CODES.float) }, { hint: 'missing' }));
  }
  for (const step of encoding.categorical) {
    const input = inputs[step.feature] as string;
    blocks.push(
      encoding.options.categorical === 'onehot'
        ? oneHotWithUnseen(g, input, step.categories)
        : categoryCode(g, input, step.categories, step.categories.length),
    );
  }
  return concatColumns(g, blocks, 'encoded');
}
