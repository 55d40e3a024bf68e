import type { ColumnData, Database } from '@modelgate/core';
import { Tensor } from '@modelgate/runtime';
import { dataset } from '../../core/test/datasets.js';
import { type PreparedProblem, prepareProblem } from '../src/data/index.js';
import { attr, DTYPE_CODES, OnnxGraph, onnx } from '../src/onnx/index.js';
import type { FeatureSpec, TrainingSet } from '../src/types.js';
import { configFor } from './train-fixtures.js';

/**
 * Palmer penguins (vega-datasets): Island and Sex categorical, Sex and the
 * measurements with nulls; with this seed one row without measurements is in
 * the training split and one in the test split.
 */
export function penguinsProblem(db: Database, out: string): Promise<PreparedProblem> {
  return prepareProblem(
    db,
    configFor('multiclass', 'split: { validation: 0.2, test: 0.2, seed: 20 }\n', 'Species'),
    {
      data: { path: dataset('penguins.json') },
      out,
    },
  );
}

/**
 * The raw feeds a served model gets for a set: float32 [N,1] per numeric
 * feature (NaN when missing), string [N,1] per categorical ('' when missing,
 * `unseen` overriding the value of some rows).
 */
export function rawFeeds(
  features: readonly FeatureSpec[],
  set: TrainingSet,
  unseen: ReadonlyMap<string, ReadonlyMap<number, string>> = new Map(),
): Record<string, Tensor> {
  const byName = new Map(set.features.map((c) => [c.name, c as ColumnData]));
  return Object.fromEntries(
    features.map((f) => {
      const column = byName.get(f.name) as ColumnData;
      if ('codes' in column) {
        const values = Array.from(
          column.codes,
          (c, i) => unseen.get(f.name)?.get(i) ?? f.categories?.[c] ?? '',
        );
        return [f.name, new Tensor('string', values, [set.rows, 1])];
      }
      const values = Float32Array.from(column.values, (v, i) => (column.valid[i] ? v : Number.NaN));
      return [f.name, new Tensor('float32', values, [set.rows, 1])];
    }),
  );
}

export interface UserModelOptions {
  width: number;
  classes: number;
  /** The packed input's name (torch's default is `input`). */
  input?: string;
  /** Declared width; a string for a dynamic one. Default `width`. */
  declaredWidth?: number | string;
  dtype?: 'float' | 'double';
  opsets?: Record<string, number>;
  irVersion?: number;
  /** A regressor: one `prediction` [N] output instead of the classifier's. */
  regression?: boolean;
  /** Names an internal tensor, to make it clash with a feature. */
  hiddenName?: string;
  seed?: number;
}

/** Deterministic weights in [-1, 1). */
function weights(n: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

/**
 * A model as a user's trainer exports one for the encoded matrix: one packed
 * input [N, F] -> a hidden layer (MatMul, Add, Relu) -> softmax `probabilities`
 * [N, C] and an int64 argmax `label`, like torch.onnx.export at opset 13, IR 7.
 */
export function userModel(options: UserModelOptions): Uint8Array {
  const { width, classes } = options;
  const hidden = 6;
  const seed = options.seed ?? 1;
  const double = options.dtype === 'double';
  const g = new OnnxGraph('torch_jit');
  const x = g.input(options.input ?? 'input', {
    dtype: options.dtype ?? 'float',
    shape: ['batch', options.declaredWidth ?? width],
  });
  const asFloat = double ? g.node('Cast', [x], { to: attr.int(DTYPE_CODES.float) }) : x;
  const h = g.node('MatMul', [
    asFloat,
    g.initializer('fc1.weight', weights(width * hidden, seed), [width, hidden]),
  ]);
  const biased = g.node(
    'Add',
    [h, g.initializer('fc1.bias', weights(hidden, seed + 1))],
    {},
    {
      ...(options.hiddenName ? { outputs: [options.hiddenName] } : {}),
    },
  );
  const relu = g.node('Relu', [biased]);
  const outputs = options.regression ? 1 : classes;
  const logits = g.node('MatMul', [
    relu,
    g.initializer('fc2.weight', weights(hidden * outputs, seed + 2), [hidden, outputs]),
  ]);
  if (options.regression) {
    const flat = g.node('Reshape', [logits, g.int64s('flat', [-1])]);
    g.output(flat, 'prediction', { dtype: 'float', shape: ['batch'] });
  } else {
    const probabilities = g.node('Softmax', [logits], { axis: attr.int(1) });
    g.output(probabilities, 'probabilities', { dtype: 'float', shape: ['batch', classes] });
    const label = g.node('ArgMax', [probabilities], { axis: attr.int(1), keepdims: attr.int(0) });
    g.output(label, 'label', { dtype: 'int64', shape: ['batch'] });
  }
  const model = g.toModelProto({
    metadata: { 'user.note': 'trained by hand' },
    producerVersion: '1.13.0',
  });
  model.opsetImport = Object.entries({ '': 13, ...options.opsets }).map(([domain, version]) => ({
    domain,
    version,
  }));
  model.irVersion = options.irVersion ?? 7;
  model.producerName = 'pytorch';
  return onnx.ModelProto.encode(model).finish();
}
