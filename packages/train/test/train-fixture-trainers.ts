import { UserError } from '@modelgate/core';
import {
  attr,
  classifierOutputs,
  finishModel,
  regressionOutput,
  startModelGraph,
} from '../src/onnx/index.js';
import type { Predictions, ProblemSpec, TrainedModel, Trainer, TrainingSet } from '../src/types.js';

/**
 * Tiny real trainers for runner tests: a constant model (class frequencies,
 * or the mean plus `shift`) with a real ONNX export. Params `fail` and
 * `crash` make a trial fail or kill its worker process. Loaded by worker
 * processes through RunnerOptions.trainerModule, as `trainers`.
 */

/** A graph whose output rows all equal `row`: Shape -> ConstantOfShape(0) + row. */
export function constantOnnx(
  spec: ProblemSpec,
  row: Float32Array,
  algorithm: 'linear' | 'logistic',
): Uint8Array {
  const { graph: g, inputs } = startModelGraph(spec);
  const shape = g.node('Shape', [inputs[0] as string]);
  const zeros = g.node('ConstantOfShape', [shape], { value: attr.tensor(new Float32Array([0]), [1]) });
  const out = g.node('Add', [zeros, g.initializer('constant_row', row, [1, row.length])]);
  if (spec.classes) classifierOutputs(g, out, spec.classes);
  else regressionOutput(g, out);
  return finishModel(g, spec, algorithm);
}

function constantModel(
  spec: ProblemSpec,
  row: Float32Array,
  algorithm: 'linear' | 'logistic',
  info: TrainedModel['info'],
): TrainedModel {
  return {
    algorithm,
    info,
    predict(set: TrainingSet): Predictions {
      if (!spec.classes) return { prediction: new Float32Array(set.rows).fill(row[0] ?? 0) };
      const c = row.length;
      const probabilities = new Float32Array(set.rows * c);
      for (let i = 0; i < set.rows; i++) probabilities.set(row, i * c);
      let best = 0;
      for (let k = 1; k < c; k++) if ((row[k] ?? 0) > (row[best] ?? 0)) best = k;
      return { label: new Int32Array(set.rows).fill(best), probabilities };
    },
    toOnnx: (s) => constantOnnx(s, row, algorithm),
  };
}

function misbehave(params: Trainer['defaults']): void {
  if (params.crash === true) process.exit(7);
  if (params.fail === true) throw new UserError('this trial was asked to fail');
}

export const meanTrainer: Trainer = {
  algorithm: 'linear',
  tasks: ['regression'],
  budget: { name: 'rounds', max: 9 },
  defaults: { shift: 0, rounds: 9, fail: false, crash: false },
  async fit(spec, train, _validation, params, options) {
    misbehave(params);
    const target = train.target as Float64Array;
    const mean = target.reduce((a, b) => a + b, 0) / train.rows;
    // A smaller budget leaves the prediction further off: halving has something to see.
    const rounds = options.budget ?? Number(params.rounds ?? 9);
    const shift = Number(params.shift ?? 0) + (9 - rounds);
    return constantModel(spec, Float32Array.of(mean + shift), 'linear', { rounds });
  },
};

export const majorityTrainer: Trainer = {
  algorithm: 'logistic',
  tasks: ['binary', 'multiclass'],
  defaults: { smooth: 1, fail: false, crash: false },
  async fit(spec, train, _validation, params) {
    misbehave(params);
    const c = spec.classes?.length ?? 0;
    const smooth = Number(params.smooth ?? 1);
    const counts = new Float64Array(c);
    for (const y of train.target) counts[y] = (counts[y] ?? 0) + 1;
    const row = Float32Array.from(counts, (n) => (n + smooth) / (train.rows + c * smooth));
    return constantModel(spec, row, 'logistic', { classes: c });
  },
};

export const trainers = { linear: meanTrainer, logistic: majorityTrainer };
