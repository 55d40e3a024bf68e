import { UserError } from '@modelgate/core';
import type { Params, Trainer } from '../types.js';
import { checkFinite, checkLayout, checkRegressionTarget, checkRows } from './checks.js';
import { solveSpd } from './cholesky.js';
import { buildDesign, type Design, linearScores } from './design.js';
import { learnLayout } from './layout.js';
import { linearModel } from './linear-model.js';
import { defaultsOf, resolveParams } from './params.js';

/**
 * l2: ridge penalty in  Σ (y - ŷ)² + l2·‖w‖²  (intercept unpenalised), which is
 *     scikit-learn's Ridge(alpha = l2) on the same standardised design.
 */
const PARAMS = {
  l2: { default: 1, above: 0, max: 1e12 },
};

/**
 * The normal equations [X 1]ᵀ[X 1] θ = [X 1]ᵀ y with l2 on the diagonal of the
 * weight block, accumulated from each row's few non-zero columns.
 */
function normalEquations(design: Design, y: Float64Array, l2: number): { a: Float64Array; b: Float64Array } {
  const { rows, numeric, hot, layout } = design;
  const k = layout.numeric.length;
  const c = layout.categorical.length;
  const n = layout.width + 1;
  const a = new Float64Array(n * n);
  const b = new Float64Array(n);
  const cols = new Int32Array(k + c + 1);
  const vals = new Float64Array(k + c + 1);
  for (let i = 0; i < rows; i++) {
    let nnz = 0;
    for (let j = 0; j < k; j++) {
      cols[nnz] = j;
      vals[nnz++] = numeric[i * k + j] as number;
    }
    for (let j = 0; j < c; j++) {
      const col = hot[i * c + j] as number;
      if (col < 0) continue;
      cols[nnz] = col;
      vals[nnz++] = 1;
    }
    cols[nnz] = layout.width;
    vals[nnz++] = 1;
    const target = y[i] as number;
    for (let p = 0; p < nnz; p++) {
      const row = (cols[p] as number) * n;
      const v = vals[p] as number;
      b[cols[p] as number] = (b[cols[p] as number] as number) + v * target;
      for (let q = 0; q < nnz; q++)
        a[row + (cols[q] as number)] = (a[row + (cols[q] as number)] as number) + v * (vals[q] as number);
    }
  }
  for (let j = 0; j < layout.width; j++) a[j * n + j] = (a[j * n + j] as number) + l2;
  return { a, b };
}

export const linearTrainer: Trainer = {
  algorithm: 'linear',
  tasks: ['regression'],
  defaults: defaultsOf(PARAMS),
  async fit(spec, train, _validation, params: Params, options) {
    const p = resolveParams('linear', PARAMS, params);
    if (spec.task !== 'regression')
      throw new UserError(`linear: ${spec.task} is not supported; use logistic`);
    checkRows('linear', train);
    checkRegressionTarget(spec, train);
    const layout = learnLayout(spec, train);
    checkLayout('linear', layout);
    const design = buildDesign(layout, spec.features, train);
    const y = Float64Array.from(train.target);
    options.signal?.throwIfAborted();
    const { a, b } = normalEquations(design, y, p.l2);
    const theta = solveSpd(a, b);
    if (!theta) throw new Error('linear: the regularised normal equations are not positive definite');
    options.onProgress?.(1);
    checkFinite('linear', theta);
    const weights = theta.slice(0, layout.width);
    const intercept = theta.slice(layout.width);
    const fitted = linearScores(design, weights, intercept);
    let squares = 0;
    for (let i = 0; i < train.rows; i++) squares += ((fitted[i] as number) - (y[i] as number)) ** 2;
    return linearModel({
      algorithm: 'linear',
      task: 'regression',
      features: spec.features,
      layout,
      weights,
      intercept,
      info: { train_rmse: Math.sqrt(squares / train.rows) },
    });
  },
};
