import { UserError } from '@modelgate/core';
import { gbdtTrainer } from './gbdt/index.js';
import { linearTrainer, logisticTrainer } from './linear/index.js';
import type { Algorithm, Params, Task, Trainer } from './types.js';

/** Finds the trainer of an algorithm; tests and plugins pass their own. */
export type TrainerLookup = (algorithm: Algorithm) => Trainer;

const BUILT_IN: Partial<Record<Algorithm, Trainer>> = {
  linear: linearTrainer,
  logistic: logisticTrainer,
  gbdt: gbdtTrainer,
};

/** The built-in trainer of an algorithm; `mlp` is accepted by the config but not built yet. */
export const builtInTrainer: TrainerLookup = (algorithm) => {
  const trainer = BUILT_IN[algorithm];
  if (!trainer) {
    throw new UserError(
      `algorithm '${algorithm}' is not available yet. Use ${Object.keys(BUILT_IN).join(', ')}, or your own trainer with command: …`,
    );
  }
  return trainer;
};

/** The candidates tried when the config lists none: each built-in trainer for the task, as it comes. */
export function defaultAlgorithms(task: Task): Algorithm[] {
  return task === 'regression' ? ['linear', 'gbdt'] : ['logistic', 'gbdt'];
}

/** Refuses, before any trial runs, an algorithm that cannot do the task or a parameter it does not know. */
export function checkCandidate(trainer: Trainer, task: Task, params: Params, where: string): void {
  if (!trainer.tasks.includes(task)) {
    throw new UserError(
      `${where}: algorithm '${trainer.algorithm}' does not do ${task} (it does ${trainer.tasks.join(', ')}).${task === 'regression' && trainer.algorithm === 'logistic' ? ' Use linear.' : ''}${task !== 'regression' && trainer.algorithm === 'linear' ? ' Use logistic.' : ''}`,
    );
  }
  const known = Object.keys(trainer.defaults);
  for (const name of Object.keys(params)) {
    if (!known.includes(name)) {
      throw new UserError(
        `${where}.params.${name}: '${trainer.algorithm}' has no parameter '${name}'. Its parameters: ${known.join(', ')}.`,
      );
    }
  }
}
