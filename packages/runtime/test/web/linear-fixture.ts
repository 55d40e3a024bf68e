import { attr, OnnxGraph } from '@modelgate/train';

export const LINEAR_WIDTH = 64;
const ROWS = 120;

const weight = (j: number) => 3 * Math.sin(j + 1);
const feature = (i: number, j: number) => ((i * 31 + j * 17) % 101) / 10;

/**
 * A regressor y = x·w over 64 numeric columns x0..x63, with the modelgate.*
 * metadata: big enough float weights that int8 visibly moves its predictions.
 */
export function linearRegressor(): Uint8Array {
  const g = new OnnxGraph('linear');
  const names = Array.from({ length: LINEAR_WIDTH }, (_, j) => `x${j}`);
  const inputs = names.map((name) => g.input(name, { dtype: 'float', shape: ['N', 1] }));
  const x = g.node('Concat', inputs, { axis: attr.int(1) });
  const w = g.initializer(
    'weights',
    Float32Array.from({ length: LINEAR_WIDTH }, (_, j) => weight(j)),
    [LINEAR_WIDTH, 1],
  );
  g.output(g.node('MatMul', [x, w]), 'prediction', { dtype: 'float', shape: ['N', 1] });
  return g.toBytes({
    metadata: {
      'modelgate.task': 'regression',
      'modelgate.target': 'y',
      'modelgate.classes': '[]',
      'modelgate.features': JSON.stringify(names.map((name) => ({ name, kind: 'numeric' }))),
    },
  });
}

/** Rows the model fits almost exactly (y = x·w + 0.01 noise), as CSV. */
export function linearCsv(): string {
  const header = [...Array.from({ length: LINEAR_WIDTH }, (_, j) => `x${j}`), 'y'].join(',');
  const lines = Array.from({ length: ROWS }, (_, i) => {
    const xs = Array.from({ length: LINEAR_WIDTH }, (_, j) => feature(i, j));
    const y = xs.reduce((s, v, j) => s + v * weight(j), 0) + (i % 2 ? 0.01 : -0.01);
    return [...xs, y].join(',');
  });
  return `${[header, ...lines].join('\n')}\n`;
}
