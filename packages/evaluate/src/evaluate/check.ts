import { type GateConfig, metricMismatch, type Task, UserError } from '@modelgate/core';
import { checkGateRules } from '../gate/check.js';
import type { EvaluationSettings } from './settings.js';

/** The gate's own checks, and intervals only of metrics the task has. */
export function checkEvaluationRules(rules: GateConfig, task: Task, settings?: EvaluationSettings): void {
  checkGateRules(rules, task);
  if (Array.isArray(settings?.intervals)) {
    for (const metric of settings.intervals) {
      const mismatch = metricMismatch(metric, task);
      if (mismatch) {
        throw new UserError(`evaluate.bootstrap.metrics: ${mismatch}, and this is a ${task} model.`);
      }
    }
  }
}
