import type { CategoricalColumn, NumericColumn } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { expectUserError, useTempDir } from '../../core/test/fixtures.js';
import {
  attr,
  categoryCode,
  classifierOutputs,
  concatColumns,
  finishModel,
  regressionOutput,
  startModelGraph,
} from '../../train/src/onnx/index.js';
import type { ProblemSpec } from '../../train/src/types.js';
import {
  type ColumnSet,
  createSession,
  readOnnxMetadata,
  readSignature,
  runOnColumns,
} from '../src/index.js';

const spec: ProblemSpec = {
  task: 'multiclass',
  target: 'species',
  features: [
    { name: 'Beak Length (mm)', kind: 'numeric' },
    { name: 'Island', kind: 'categorical', categories: ['Biscoe', 'Dream', 'Torgersen'] },
  ],
  classes: ['Adelie', 'Chinstrap', 'Gentoo'],
};

const beak: NumericColumn = {
  kind: 'numeric',
  name: 'Beak Length (mm)',
  values: Float64Array.from([1, 0, 3, 0.5]),
  valid: Uint8Array.from([1, 0, 1, 1]),
};
const island: CategoricalColumn = {
  kind: 'categorical',
  name: 'Island',
  codes: Int32Array.from([0, 2, -1, 1]),
  dictionary: ['Biscoe', 'Dream', 'Torgersen'],
};
const set: ColumnSet = { rows: 4, features: [beak, island] };

/**
 * A toy classifier whose probabilities echo its inputs, so the test can see
 * exactly what the runtime fed: [x, code, 1] / (x + code + 1) with NaN -> 0.
 */
function echoClassifier(): Uint8Array {
  const { graph: g, inputs } = startModelGraph(spec);
  const code = categoryCode(g, inputs[1] as string, spec.features[1]?.categories ?? []);
  const x = concatColumns(g, [inputs[0] as string, code]);
  const missing = g.node('IsNaN', [x]);
  const clean = g.node('Where', [missing, g.initializer('zero', new Float32Array([0])), x]);
  const withOne = concatColumns(g, [clean, g.node('Sub', [inputs[0] as string, inputs[0] as string])]);
  const ones = g.node('Add', [withOne, g.initializer('bias', new Float32Array([0, 0, 1]))]);
  const fixed = g.node('Where', [g.node('IsNaN', [ones]), g.initializer('one', new Float32Array([1])), ones]);
  const total = g.node('ReduceSum', [fixed, g.int64s('axes', [1])], { keepdims: attr.int(1) });
  classifierOutputs(g, g.node('Div', [fixed, total]), spec.classes ?? []);
  return finishModel(g, spec, 'logistic');
}

describe('runtime', () => {
  const temp = useTempDir('runtime');

  it('feeds raw columns by name and maps labels back to class indices', async () => {
    const session = await createSession(echoClassifier(), { intraOpNumThreads: 1 });
    const out = await runOnColumns(session, spec, set, { batchRows: 3 });
    // Row 0: x=1, code=0 -> [1,0,1]/2; row 1: x=NaN, 'Torgersen'=2 -> [0,2,1]/3;
    // row 2: x=3, missing -> [3,0,1]/4; row 3: x=0.5, 'Dream'=1 -> [0.5,1,1]/2.5.
    expect(Array.from(out.probabilities ?? [])).toEqual(
      [0.5, 0, 0.5, 0, 2 / 3, 1 / 3, 0.75, 0, 0.25, 0.2, 0.4, 0.4].map(Math.fround),
    );
    expect(Array.from(out.label ?? [])).toEqual([0, 1, 0, 1]);
  });

  it('reads the signature with -1 for dynamic dims', async () => {
    const signature = readSignature(await createSession(echoClassifier()));
    expect(signature.inputs).toEqual([
      { name: 'Beak Length (mm)', type: 'float32', shape: [-1, 1] },
      { name: 'Island', type: 'string', shape: [-1, 1] },
    ]);
    expect(signature.outputs).toEqual([
      { name: 'probabilities', type: 'float32', shape: [-1, 3] },
      { name: 'label', type: 'string', shape: [-1] },
    ]);
  });

  it('reads the modelgate metadata without loading the model', () => {
    const metadata = readOnnxMetadata(echoClassifier());
    expect(metadata['modelgate.task']).toBe('multiclass');
    expect(metadata['modelgate.target']).toBe('species');
    expect(JSON.parse(metadata['modelgate.classes'] ?? '')).toEqual(spec.classes);
    expect(JSON.parse(metadata['modelgate.features'] ?? '')).toEqual(spec.features);
    expect(metadata['modelgate.algorithm']).toBe('logistic');
  });

  it('packs one [N,F] float input in feature order, categories as codes', async () => {
    const regression: ProblemSpec = { ...spec, task: 'regression', target: 'mass' };
    const { OnnxGraph } = await import('../../train/src/onnx/index.js');
    const g = new OnnxGraph();
    const x = g.input('X', { dtype: 'float', shape: ['N', 2] });
    const clean = g.node('Where', [g.node('IsNaN', [x]), g.initializer('m', new Float32Array([-1])), x]);
    const weights = g.initializer('w', new Float32Array([10, 1]), [2, 1]);
    regressionOutput(g, g.node('MatMul', [clean, weights]));
    const out = await runOnColumns(await createSession(g.toBytes()), regression, set);
    expect(Array.from(out.prediction ?? [])).toEqual([10, -8, 29, 6]);
  });

  it('names a corrupted or missing model file', async () => {
    const path = await temp.write('broken.onnx', 'this is not a protobuf');
    await expectUserError(createSession(path), /broken\.onnx: not a valid ONNX model: /);
    await expectUserError(createSession(temp.path('none.onnx')), /none\.onnx: cannot read the model/);
    await expectUserError(
      createSession(new Uint8Array(0), { label: 'x.onnx' }),
      /x\.onnx: not a valid ONNX model/,
    );
    expect(() => readOnnxMetadata(new Uint8Array([0x0a, 0xff]), 'y.onnx')).toThrow(
      /y\.onnx: not a valid ONNX model/,
    );
  });

  it('explains a signature mismatch: missing input, wrong dtype, wrong width', async () => {
    const session = await createSession(echoClassifier());
    const renamed: ProblemSpec = {
      ...spec,
      features: [{ name: 'Beak', kind: 'numeric' }, spec.features[1] as ProblemSpec['features'][number]],
    };
    await expectUserError(
      runOnColumns(session, renamed, { rows: 4, features: [{ ...beak, name: 'Beak' }, island] }),
      /model input 'Beak Length \(mm\)' matches no feature column \(features: Beak, Island\)/,
    );
    const swapped: ProblemSpec = {
      ...spec,
      features: [
        { name: 'Beak Length (mm)', kind: 'categorical', categories: ['a'] },
        spec.features[1] as ProblemSpec['features'][number],
      ],
    };
    await expectUserError(
      runOnColumns(session, swapped, set),
      /model input 'Beak Length \(mm\)' is float32, expected string for categorical feature/,
    );
    const { OnnxGraph } = await import('../../train/src/onnx/index.js');
    const g = new OnnxGraph();
    const x = g.input('X', { dtype: 'float', shape: ['N', 3] });
    regressionOutput(g, g.node('ReduceSum', [x, g.int64s('axes', [1])], { keepdims: attr.int(1) }));
    await expectUserError(
      runOnColumns(await createSession(g.toBytes()), { ...spec, task: 'regression' }, set),
      /model input 'X' has width 3, expected 2 \(one column per feature, in order: Beak Length \(mm\), Island\)/,
    );
  });
});
