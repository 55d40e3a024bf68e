import { UserError } from '@modelgate/core';
import type { ColumnsSpec } from '../columns.js';
import type { OutputPlan } from '../outputs.js';

/** What a row's score is written as: `label` and `probability_<class>`, or `prediction`. */
export interface PredictionColumns {
  label: boolean;
  probabilities: string[];
  prediction: boolean;
}

export function predictionColumns(spec: ColumnsSpec, plan: OutputPlan): PredictionColumns {
  if (spec.task === 'regression') return { label: false, probabilities: [], prediction: true };
  const classes = spec.classes ?? [];
  return {
    label: true,
    probabilities: plan.probabilities ? classes.map((c) => `probability_${c}`) : [],
    prediction: false,
  };
}

export function predictionNames(columns: PredictionColumns): string[] {
  return [
    ...(columns.label ? ['label'] : []),
    ...columns.probabilities,
    ...(columns.prediction ? ['prediction'] : []),
  ];
}

/** Id columns must not collide with the row number or the model's outputs. */
export function checkIds(ids: readonly string[], reserved: readonly string[]): void {
  const taken = new Set(reserved);
  const seen = new Set<string>();
  for (const id of ids) {
    if (taken.has(id)) {
      throw new UserError(
        `--id ${id}: collides with an output column (${reserved.join(', ')}); rename the column or leave it out.`,
      );
    }
    if (seen.has(id)) throw new UserError(`--id ${id}: given twice.`);
    seen.add(id);
  }
}
