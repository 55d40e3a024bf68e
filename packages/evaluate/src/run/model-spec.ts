import { type Task, UserError } from '@modelgate/core';
import type { ModelSpec, SpecSource } from '@modelgate/runtime';
import type { ProblemSpec } from '@modelgate/train';

/**
 * The model must be for the configured task and target; a spec that names no
 * target (a bare model described by flags) predicts the configured one.
 */
export function checkSpec(
  spec: ModelSpec,
  config: { task: Task; target: string },
  label: string,
  source: SpecSource,
): ProblemSpec {
  const says =
    source === 'training-data'
      ? 'the training data gives'
      : source === 'flags'
        ? 'the flags say'
        : `its ${source} says`;
  if (spec.task !== config.task) {
    throw new UserError(`${label}: a ${spec.task} model (${says}), but the config's task is ${config.task}.`);
  }
  if (spec.target !== null && spec.target !== config.target) {
    throw new UserError(
      `${label}: predicts '${spec.target}' (${says}), but the config's target is '${config.target}'.`,
    );
  }
  const classes = spec.classes?.length ?? 0;
  if (spec.task === 'binary' && classes !== 2) {
    throw new UserError(`${label}: a binary model with ${classes} classes (${says}); expected 2.`);
  }
  return { ...spec, target: config.target };
}
