import type {
  Algorithm,
  FeatureSpec,
  ParamValue,
  Predictions,
  ProblemSpec,
  Task,
  TrainedModel,
  TrainingSet,
} from '../types.js';
import { buildDesign, linearScores } from './design.js';
import type { Layout } from './layout.js';
import { sigmoid } from './logistic-objective.js';
import { linearOnnx } from './onnx-export.js';

/** What a fitted linear or logistic model is: preprocessing, weights and how scores become outputs. */
export interface LinearFit {
  algorithm: Algorithm;
  task: Task;
  features: readonly FeatureSpec[];
  layout: Layout;
  /** Row-major [layout.width, outputs]; outputs = 1 for regression and binary, C for multiclass. */
  weights: Float64Array;
  intercept: Float64Array;
  info: Record<string, ParamValue>;
}

/** Scores -> float32 class probabilities, as the ONNX graph computes them (double, then one rounding). */
function probabilities(scores: Float64Array, outputs: number, rows: number): Float32Array {
  if (outputs === 1) {
    const out = new Float32Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      const p = sigmoid(scores[i] as number);
      out[i * 2] = 1 - p;
      out[i * 2 + 1] = p;
    }
    return out;
  }
  const out = new Float32Array(rows * outputs);
  const e = new Float64Array(outputs);
  for (let i = 0; i < rows; i++) {
    const row = i * outputs;
    let max = Number.NEGATIVE_INFINITY;
    for (let o = 0; o < outputs; o++) max = Math.max(max, scores[row + o] as number);
    let sum = 0;
    for (let o = 0; o < outputs; o++) {
      e[o] = Math.exp((scores[row + o] as number) - max);
      sum += e[o] as number;
    }
    for (let o = 0; o < outputs; o++) out[row + o] = (e[o] as number) / sum;
  }
  return out;
}

/** The first largest probability per row, as ONNX ArgMax picks it. */
export function argmaxRows(values: Float32Array, width: number): Int32Array {
  const rows = values.length / width;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let j = 1; j < width; j++) {
      if ((values[i * width + j] as number) > (values[i * width + best] as number)) best = j;
    }
    out[i] = best;
  }
  return out;
}

/** A fitted linear model; `fit` exposes the weights (e.g. to compare with scikit-learn). */
export interface LinearTrainedModel extends TrainedModel {
  readonly fit: Readonly<LinearFit>;
}

export function linearModel(fit: LinearFit): LinearTrainedModel {
  const outputs = fit.intercept.length;
  return {
    fit,
    algorithm: fit.algorithm,
    info: fit.info,
    predict(set: TrainingSet): Predictions {
      const design = buildDesign(fit.layout, fit.features, set);
      const scores = linearScores(design, fit.weights, fit.intercept);
      if (fit.task === 'regression') return { prediction: Float32Array.from(scores) };
      const probs = probabilities(scores, outputs, set.rows);
      return { label: argmaxRows(probs, outputs === 1 ? 2 : outputs), probabilities: probs };
    },
    toOnnx(spec: ProblemSpec): Uint8Array {
      return linearOnnx(fit, spec);
    },
  };
}
