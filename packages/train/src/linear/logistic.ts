import { UserError } from '@modelgate/core';
import type { Params, Trainer } from '../types.js';
import { checkClasses, checkFinite, checkLayout, checkRows } from './checks.js';
import { buildDesign } from './design.js';
import { learnLayout } from './layout.js';
import { minimizeLbfgs } from './lbfgs.js';
import { linearModel } from './linear-model.js';
import { logisticObjective } from './logistic-objective.js';
import { defaultsOf, resolveParams } from './params.js';
import { countRows } from './row-counts.js';

/**
 * l2: penalty strength in  Σ logloss + (l2/2)‖W‖²  (intercept unpenalised), so
 *     scikit-learn's LogisticRegression(C) is l2 = 1 / C.
 * max_iter: L-BFGS iterations (scikit-learn's default, 100).
 * tol: stop when max |∇| of the mean objective (the above divided by the
 *     number of rows) is at most tol (scikit-learn's default, 1e-4). Recent
 *     scikit-learn scales its lbfgs objective the same way; 1.2 (Debian's)
 *     applies tol to the undivided sum, i.e. its tol = ours × rows.
 */
const PARAMS = {
  l2: { default: 1, above: 0, max: 1e9 },
  max_iter: { default: 100, integer: true, min: 1, max: 1e6 },
  tol: { default: 1e-4, above: 0, max: 1 },
};

export const logisticTrainer: Trainer = {
  algorithm: 'logistic',
  tasks: ['binary', 'multiclass'],
  defaults: defaultsOf(PARAMS),
  async fit(spec, train, _validation, params: Params, options) {
    const p = resolveParams('logistic', PARAMS, params);
    if (spec.task === 'regression') throw new UserError('logistic: regression is not supported; use linear');
    checkRows('logistic', train);
    const classes = checkClasses(spec, train);
    const target = train.target as Int32Array;
    const layout = learnLayout(spec, train);
    checkLayout('logistic', layout);
    const design = buildDesign(layout, spec.features, train);
    const outputs = classes === 2 ? 1 : classes;
    const theta = new Float64Array((layout.width + 1) * outputs);
    theta.set(initialIntercept(target, classes), layout.width * outputs);
    const counted = countRows(design, target, classes);
    const result = minimizeLbfgs(logisticObjective(counted, classes, p.l2), theta, {
      maxIterations: p.max_iter,
      gradientTolerance: p.tol,
      onIteration: (iteration) => {
        options.signal?.throwIfAborted();
        options.onProgress?.(iteration / p.max_iter);
      },
    });
    checkFinite('logistic', result.x);
    const weights = result.x.slice(0, layout.width * outputs);
    let squares = 0;
    for (const w of weights) squares += w * w;
    return linearModel({
      algorithm: 'logistic',
      task: spec.task,
      features: spec.features,
      layout,
      weights,
      intercept: result.x.slice(layout.width * outputs),
      info: {
        iterations: result.iterations,
        converged: result.converged,
        distinct_rows: counted.design.rows,
        train_log_loss: result.f - (0.5 * p.l2 * squares) / train.rows,
      },
    });
  },
};

/** Log class priors: the optimum when every weight is zero, a good start for L-BFGS. */
function initialIntercept(target: Int32Array, classes: number): Float64Array {
  const counts = new Float64Array(classes);
  for (const y of target) counts[y] = (counts[y] as number) + 1;
  if (classes === 2) return Float64Array.of(Math.log((counts[1] as number) / (counts[0] as number)));
  return counts.map((n) => Math.log(n / target.length));
}
