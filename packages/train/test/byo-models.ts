import { attr, OnnxGraph } from '../src/onnx/index.js';

// TensorProto.DataType codes, for Cast.
const FLOAT = 1;
const INT64 = 7;

/**
 * Small ONNX models in the forms a PyTorch export takes, for command-trainer
 * tests: numeric features `x` and `z`, classes ['hi', 'lo', 'mid'] (sorted, as
 * training orders them). The rule: x below t1 is 'lo', below t2 'mid', else
 * 'hi'; z only passes through.
 */
export const BYO_CLASSES = ['hi', 'lo', 'mid'] as const;

export interface RuleModel {
  /** Thresholds on x. */
  t1: number;
  t2: number;
  /** One [N,1] input per feature, or one float [N,2] tensor (x, z) as torch.onnx.export gives. */
  input: 'columns' | 'packed';
  /** label: int64 class indices only; probabilities: [N,3] only; both. */
  outputs: 'label' | 'probabilities' | 'both';
  /** Break it: NaN probabilities, or labels outside 0..2. */
  broken?: 'nan' | 'out-of-range';
}

/** The class the rule gives for x. */
export function ruleClass(x: number, t1: number, t2: number): (typeof BYO_CLASSES)[number] {
  return x < t1 ? 'lo' : x < t2 ? 'mid' : 'hi';
}

export function ruleModel(model: RuleModel): Uint8Array {
  const g = new OnnxGraph('byo');
  const flat = g.int64s('flat', [-1]);
  let x: string;
  if (model.input === 'packed') {
    const features = g.input('features', { dtype: 'float', shape: ['N', 2] });
    x = g.node('Reshape', [
      g.node('Gather', [features, g.int64s('x_column', [0])], { axis: attr.int(1) }),
      flat,
    ]);
  } else {
    const xs = g.input('x', { dtype: 'float', shape: ['N', 1] });
    const zs = g.input('z', { dtype: 'float', shape: ['N', 1] });
    // z is taken (a model has an input per feature) but does not change the result.
    const zero = g.node('Mul', [zs, g.initializer('zero', Float32Array.of(0), [1, 1])]);
    x = g.node('Reshape', [g.node('Add', [xs, zero]), flat]);
  }
  const step = (t: number, hint: string) =>
    g.node('Cast', [g.node('GreaterOrEqual', [x, g.initializer(hint, Float32Array.of(t), [1])])], {
      to: attr.int(INT64),
    });
  // 0 below t1, 1 below t2, 2 above: 'lo', 'mid', 'hi', whose indices in BYO_CLASSES are 1, 2, 0.
  const band = g.node('Add', [step(model.t1, 't1'), step(model.t2, 't2')]);
  let index = g.node('Gather', [g.int64s('band_class', [1, 2, 0]), band]);
  if (model.broken === 'out-of-range') index = g.node('Add', [index, g.int64s('shift', [5])]);
  if (model.outputs !== 'probabilities') g.output(index, 'label', { dtype: 'int64', shape: ['N'] });
  if (model.outputs !== 'label') {
    const column = g.node('Reshape', [index, g.int64s('column', [-1, 1])]);
    const hot = g.node('Cast', [g.node('Equal', [column, g.int64s('classes', [0, 1, 2])])], {
      to: attr.int(FLOAT),
    });
    let scores = g.node('Mul', [hot, g.initializer('sharpness', Float32Array.of(3), [1])]);
    if (model.broken === 'nan')
      scores = g.node('Mul', [scores, g.initializer('nan', Float32Array.of(Number.NaN), [1])]);
    const probabilities = g.node('Softmax', [scores], { axis: attr.int(1) });
    g.output(probabilities, 'probabilities', { dtype: 'float', shape: ['N', 3] });
  }
  return g.toBytes();
}
