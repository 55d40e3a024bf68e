import { type Task, type TaskPredictions, UserError } from '@modelgate/core';
import { type InferenceSession, runOnColumns } from '@modelgate/runtime';
import type { ProblemSpec, TrainingSet } from '@modelgate/train';

/** The model's output on the encoded holdout, with the true targets beside it. */
export async function predictHoldout(
  session: InferenceSession,
  spec: ProblemSpec,
  set: TrainingSet,
): Promise<TaskPredictions> {
  const out = await runOnColumns(session, spec, set);
  if (spec.task === 'regression') {
    return { task: 'regression', yTrue: set.target as Float64Array, yPred: out.prediction as Float32Array };
  }
  const classes = spec.classes ?? [];
  return {
    task: spec.task,
    yTrue: set.target as Int32Array,
    classes: classes.length,
    classNames: classes,
    ...(out.label ? { yPred: out.label } : {}),
    ...(out.probabilities ? { probabilities: out.probabilities } : {}),
  };
}

/**
 * The champion's classification output in the challenger's class order, so
 * both read the same class indices; different class sets cannot be compared.
 */
export function alignClasses(
  predictions: TaskPredictions,
  from: readonly string[],
  to: readonly string[],
  label: string,
): TaskPredictions {
  if (predictions.task === 'regression' || from.join('\u0000') === to.join('\u0000')) return predictions;
  const index = new Map(to.map((c, i) => [c, i]));
  const moved = from.map((c) => index.get(c));
  if (from.length !== to.length || moved.some((k) => k === undefined)) {
    throw new UserError(
      `${label} predicts the classes ${from.join(', ')}; the challenger ${to.join(', ')}: they cannot be compared on one holdout.`,
    );
  }
  const map = Int32Array.from(moved as number[]);
  const c = to.length;
  const remap = (labels: Int32Array) => Int32Array.from(labels, (k) => map[k] as number);
  const out: TaskPredictions = {
    task: predictions.task,
    yTrue: remap(predictions.yTrue),
    classes: c,
    classNames: to,
  };
  if (predictions.yPred) out.yPred = remap(predictions.yPred);
  const p = predictions.probabilities;
  if (p) {
    const reordered = new Float32Array(p.length);
    for (let i = 0; i < p.length / c; i++) {
      for (let k = 0; k < c; k++) reordered[i * c + (map[k] as number)] = p[i * c + k] as number;
    }
    out.probabilities = reordered;
  }
  return out;
}

/** Both models must answer the same question. */
export function checkSameTask(challenger: Task, champion: Task, label: string): void {
  if (challenger !== champion) {
    throw new UserError(`${label} is a ${champion} model; the challenger a ${challenger} model.`);
  }
}
