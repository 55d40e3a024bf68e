import type { NumericColumn } from '@modelgate/core';
import { attr, OnnxGraph } from '@modelgate/train';
import { describe, expect, it } from 'vitest';
import { expectUserError } from '../../core/test/fixtures.js';
import { type ColumnSet, type ColumnsSpec, createSession, runOnColumns } from '../src/index.js';

const CLASSES = ['low', 'mid', 'high'];
const spec: ColumnsSpec = {
  task: 'multiclass',
  features: [
    { name: 'a', kind: 'numeric' },
    { name: 'b', kind: 'numeric' },
  ],
  classes: CLASSES,
};
const column = (name: string, values: number[]): NumericColumn => ({
  kind: 'numeric',
  name,
  values: Float64Array.from(values),
  valid: new Uint8Array(values.length).fill(1),
});
const set: ColumnSet = { rows: 3, features: [column('a', [0, 1, 5]), column('b', [3, 1, 0])] };

/** Packed [N,2] input -> scores [a, b, a+b]/10: the argmax is column 1, 2 and 0 for the rows above. */
function scores(g: OnnxGraph): string {
  const x = g.input('input', { dtype: 'float', shape: ['N', 2] });
  const w = g.initializer('w', Float32Array.from([0.1, 0, 0.1, 0, 0.1, 0.1]), [2, 3]);
  return g.node('MatMul', [x, w]);
}

async function run(build: (g: OnnxGraph) => void, which: ColumnsSpec = spec) {
  const g = new OnnxGraph('byo');
  build(g);
  const session = await createSession(g.toBytes(), { label: 'byo.onnx' });
  try {
    return await runOnColumns(session, which, set);
  } finally {
    await session.release();
  }
}

const softmax = (g: OnnxGraph, x: string) => g.node('Softmax', [x], { axis: attr.int(1) });
const argmax = (g: OnnxGraph, x: string) =>
  g.node('ArgMax', [x], { axis: attr.int(1), keepdims: attr.int(0) });

describe('the output forms of a bring-your-own model', () => {
  it('reads integer labels as indices into the classes, alone or beside probabilities', async () => {
    const both = await run((g) => {
      const s = scores(g);
      g.output(argmax(g, s), 'label', { dtype: 'int64', shape: ['N'] });
      g.output(softmax(g, s), 'probabilities', { dtype: 'float', shape: ['N', 3] });
    });
    expect(Array.from(both.label ?? [])).toEqual([1, 2, 0]);
    expect(both.probabilities?.length).toBe(9);
    const alone = await run((g) => {
      g.output(argmax(g, scores(g)), 'output', { dtype: 'int64', shape: ['N'] });
    });
    expect(alone).toEqual({ label: Int32Array.from([1, 2, 0]) });
  });

  it('derives the label of a probabilities-only model by argmax', async () => {
    const out = await run((g) => {
      g.output(softmax(g, scores(g)), 'probs', { dtype: 'float', shape: ['N', 3] });
    });
    expect(Array.from(out.label ?? [])).toEqual([1, 2, 0]);
  });

  it('reads [N] probabilities of a binary model as P(second class)', async () => {
    const binary: ColumnsSpec = { ...spec, task: 'binary', classes: ['no', 'yes'] };
    const out = await run((g) => {
      const x = g.input('input', { dtype: 'float', shape: ['N', 2] });
      const w = g.initializer('w', Float32Array.from([1, -1]), [2]);
      g.output(g.node('Sigmoid', [g.node('MatMul', [x, w])]), 'probabilities', {
        dtype: 'float',
        shape: ['N'],
      });
    }, binary);
    expect(Array.from(out.label ?? [])).toEqual([0, 0, 1]);
    expect(out.probabilities?.[1]).toBeCloseTo(1 / (1 + Math.exp(-(0 - 3))), 6);
  });

  it("reads a binary model's only float output, whatever its name, as P(second class)", async () => {
    const binary: ColumnsSpec = { ...spec, task: 'binary', classes: ['no', 'yes'] };
    const out = await run((g) => {
      const x = g.input('input', { dtype: 'float', shape: ['N', 2] });
      const w = g.initializer('w', Float32Array.from([1, -1]), [2]);
      g.output(g.node('Sigmoid', [g.node('MatMul', [x, w])]), 'p_yes', { dtype: 'float', shape: ['N'] });
    }, binary);
    expect(Array.from(out.label ?? [])).toEqual([0, 0, 1]);
    expect(out.probabilities?.length).toBe(6);
  });

  it("reads a regression model's 'variable' [N,1] output", async () => {
    const regression: ColumnsSpec = { task: 'regression', features: spec.features };
    const out = await run((g) => {
      const x = g.input('input', { dtype: 'float', shape: ['N', 2] });
      const w = g.initializer('w', Float32Array.from([2, 1]), [2, 1]);
      g.output(g.node('MatMul', [x, w]), 'variable', { dtype: 'float', shape: ['N', 1] });
      g.output(x, 'echo', { dtype: 'float', shape: ['N', 2] });
    }, regression);
    expect(Array.from(out.prediction ?? [])).toEqual([3, 3, 10]);
  });

  it('refuses an integer label outside the classes and probabilities that are not finite', async () => {
    await expectUserError(
      run((g) => {
        const shifted = g.node('Add', [argmax(g, scores(g)), g.initializer('k', BigInt64Array.from([2n]))]);
        g.output(shifted, 'label', { dtype: 'int64', shape: ['N'] });
      }),
      /^model output 'label' gave 3, expected a class index from 0 to 2 \(classes: low, mid, high\)$/,
    );
    await expectUserError(
      run((g) => {
        const s = scores(g);
        g.output(g.node('Log', [g.node('Sub', [s, s])]), 'probabilities', {
          dtype: 'float',
          shape: ['N', 3],
        });
      }),
      /^model output 'probabilities' gave -Infinity at element 0, expected finite probabilities$/,
    );
  });
});
