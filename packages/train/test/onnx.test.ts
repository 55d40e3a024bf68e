import { createSession, readOnnxMetadata, readSignature, Tensor } from '@modelgate/runtime';
import { describe, expect, it } from 'vitest';
import {
  attr,
  categoryCode,
  classifierOutputs,
  concatColumns,
  featureMatrix,
  finishModel,
  numericBlock,
  OnnxGraph,
  oneHot,
  onnx,
  regressionOutput,
  standardizeValue,
  startModelGraph,
} from '../src/onnx/index.js';
import type { ProblemSpec } from '../src/types.js';

async function run(bytes: Uint8Array, feeds: Record<string, Tensor>) {
  const session = await createSession(bytes, { intraOpNumThreads: 1 });
  return session.run(feeds);
}

const column = (values: readonly number[]) =>
  new Tensor('float32', Float32Array.from(values), [values.length, 1]);
const strings = (values: readonly string[]) => new Tensor('string', [...values], [values.length, 1]);

describe('OnnxGraph', () => {
  it('hands out unique names and refuses a duplicate input', () => {
    const g = new OnnxGraph();
    g.input('x', { dtype: 'float', shape: ['N', 1] });
    expect(g.initializer('x', new Float32Array([1]))).toBe('x_1');
    expect(g.initializer('x', new Float32Array([1]))).toBe('x_2');
    expect(g.node('Relu', ['x'])).toBe('relu');
    expect(g.node('Relu', ['x'])).toBe('relu_1');
    expect(() => g.input('x', { dtype: 'float', shape: ['N', 1] })).toThrow(/already used/);
  });

  it('serialises deterministically, with opsets, metadata and typed attributes', () => {
    const build = () => {
      const g = new OnnxGraph('g');
      const x = g.input('a b (c)', { dtype: 'float', shape: ['N', 2] });
      const t = g.node(
        'LabelEncoder',
        [g.input('s', { dtype: 'string', shape: ['N', 1] })],
        {
          keys_strings: attr.strings(['p', 'q']),
          values_floats: attr.floats([0.1, 2]),
          default_float: attr.float(Number.NaN),
        },
        { domain: 'ai.onnx.ml' },
      );
      g.output(g.node('Concat', [x, t], { axis: attr.int(1) }), 'y', { dtype: 'float', shape: ['N', 3] });
      return g.toBytes({ metadata: { k: 'v' } });
    };
    const bytes = build();
    expect(bytes).toEqual(build());
    const model = onnx.ModelProto.decode(bytes);
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([
      ['', 17],
      ['ai.onnx.ml', 3],
    ]);
    expect(model.metadataProps.map((p) => [p.key, p.value])).toEqual([['k', 'v']]);
    const encoder = model.graph?.node?.[0];
    expect(encoder?.attribute?.map((a) => a.name)).toEqual([
      'keys_strings',
      'values_floats',
      'default_float',
    ]);
    expect(encoder?.attribute?.[1]?.floats).toEqual([Math.fround(0.1), 2]);
  });

  it('stores initializers from Float32Array, Float64Array, BigInt64Array and strings', async () => {
    const g = new OnnxGraph();
    const i = g.input('i', { dtype: 'int64', shape: ['N'] });
    const f = g.node('Gather', [g.initializer('f', new Float32Array([1.5, -2])), i]);
    const d = g.node('Gather', [g.initializer('d', new Float64Array([0.1, 1e300])), i]);
    const s = g.node('Gather', [g.initializer('s', ['α', 'b']), i]);
    const n = g.node('Gather', [g.initializer('n', new BigInt64Array([-7n, 2n ** 40n])), i]);
    g.output(f, 'f_out', { dtype: 'float', shape: ['N'] });
    g.output(d, 'd_out', { dtype: 'double', shape: ['N'] });
    g.output(s, 's_out', { dtype: 'string', shape: ['N'] });
    g.output(n, 'n_out', { dtype: 'int64', shape: ['N'] });
    const out = await run(g.toBytes(), { i: new Tensor('int64', new BigInt64Array([1n, 0n]), [2]) });
    expect(Array.from(out.f_out?.data as Float32Array)).toEqual([-2, 1.5]);
    expect(Array.from(out.d_out?.data as Float64Array)).toEqual([1e300, 0.1]);
    expect(out.s_out?.data).toEqual(['b', 'α']);
    expect(Array.from(out.n_out?.data as BigInt64Array)).toEqual([2n ** 40n, -7n]);
  });
});

describe('preprocessing subgraphs', () => {
  it('imputes NaN and standardises exactly as standardizeValue does', async () => {
    const g = new OnnxGraph();
    const inputs = ['a', 'b'].map((name) => g.input(name, { dtype: 'float', shape: ['N', 1] }));
    const prep = {
      fill: Float32Array.from([0.3, -7]),
      mean: Float32Array.from([0.123, 1e3]),
      scale: Float32Array.from([3.7, 0.011]),
    };
    g.output(numericBlock(g, inputs, prep), 'z', { dtype: 'float', shape: ['N', 2] });
    const a = [0.1, Number.NaN, 1e6, -3.3];
    const b = [Number.NaN, 2.2, 999.9, 1e-8];
    const out = await run(g.toBytes(), { a: column(a), b: column(b) });
    const expected = a.flatMap((_, r) =>
      [a, b].map((values, j) =>
        standardizeValue(
          Math.fround(values[r] as number),
          prep.fill[j] as number,
          prep.mean[j],
          prep.scale[j],
        ),
      ),
    );
    expect(Array.from(out.z?.data as Float32Array)).toEqual(expected);
  });

  it('one-hot encodes with all zeros for empty and unseen categories', async () => {
    const g = new OnnxGraph();
    const s = g.input('Island', { dtype: 'string', shape: ['N', 1] });
    g.output(oneHot(g, s, ['Biscoe', 'Dream']), 'z', { dtype: 'float', shape: ['N', 2] });
    const out = await run(g.toBytes(), { Island: strings(['Dream', '', 'Mars', 'Biscoe']) });
    expect(Array.from(out.z?.data as Float32Array)).toEqual([0, 1, 0, 0, 0, 0, 1, 0]);
  });

  it('codes categories as float indices with NaN for empty and unseen', async () => {
    const g = new OnnxGraph();
    const s = g.input('Island', { dtype: 'string', shape: ['N', 1] });
    const x = g.input('x', { dtype: 'float', shape: ['N', 1] });
    g.output(concatColumns(g, [x, categoryCode(g, s, ['Biscoe', 'Dream'])]), 'z', {
      dtype: 'float',
      shape: ['N', 2],
    });
    const out = await run(g.toBytes(), { Island: strings(['Dream', '', 'Mars']), x: column([1, 2, 3]) });
    expect(Array.from(out.z?.data as Float32Array)).toEqual([1, 1, 2, Number.NaN, 3, Number.NaN]);
  });

  it('builds the [N,F] tree matrix: raw numbers and category codes in spec order', async () => {
    const spec: ProblemSpec = {
      task: 'regression',
      target: 'y',
      features: [
        { name: 'Island', kind: 'categorical', categories: ['Biscoe', 'Dream'] },
        { name: 'x', kind: 'numeric' },
      ],
    };
    const { graph: g, inputs } = startModelGraph(spec);
    g.output(featureMatrix(g, spec.features, inputs), 'z', { dtype: 'float', shape: ['N', 2] });
    const out = await run(g.toBytes(), { Island: strings(['Dream', 'Mars']), x: column([Number.NaN, 2.5]) });
    expect(Array.from(out.z?.data as Float32Array)).toEqual([1, Number.NaN, Number.NaN, 2.5]);
  });
});

describe('output heads and model metadata', () => {
  const spec: ProblemSpec = {
    task: 'multiclass',
    target: 'species',
    features: [
      { name: 'x', kind: 'numeric' },
      { name: 'Island', kind: 'categorical', categories: ['Biscoe', 'Dream'] },
    ],
    classes: ['Adelie', 'Chinstrap', 'Gentoo'],
  };

  it('gives probabilities [N,C] and string labels (first maximum on ties)', async () => {
    const { graph: g, inputs } = startModelGraph(spec);
    const onehot = oneHot(g, inputs[1] as string, ['Biscoe', 'Dream']);
    const scores = concatColumns(g, [inputs[0] as string, onehot]);
    classifierOutputs(g, g.node('Softmax', [scores], { axis: attr.int(1) }), spec.classes ?? []);
    const bytes = finishModel(g, spec, 'logistic');
    const out = await run(bytes, { x: column([5, 0, 1]), Island: strings(['Dream', 'Mars', 'Biscoe']) });
    expect(out.label?.data).toEqual(['Adelie', 'Adelie', 'Adelie']);
    expect(out.label?.dims).toEqual([3]);
    expect(out.probabilities?.dims).toEqual([3, 3]);
    const signature = readSignature(await createSession(bytes));
    expect(signature.outputs.map((o) => o.name)).toEqual(['probabilities', 'label']);
    const metadata = readOnnxMetadata(bytes);
    expect(Object.keys(metadata)).toEqual([
      'modelgate.task',
      'modelgate.target',
      'modelgate.classes',
      'modelgate.features',
      'modelgate.algorithm',
    ]);
    expect(JSON.parse(metadata['modelgate.features'] ?? '')).toEqual(spec.features);
  });

  it('gives a regression prediction of shape [N]', async () => {
    const g = new OnnxGraph();
    const x = g.input('x', { dtype: 'float', shape: ['N', 1] });
    regressionOutput(g, g.node('Neg', [x]));
    const out = await run(g.toBytes(), { x: column([1, -2]) });
    expect(out.prediction?.dims).toEqual([2]);
    expect(Array.from(out.prediction?.data as Float32Array)).toEqual([-1, 2]);
  });
});
