import { isCostMetric, type MetricName, metricMismatch, type Task, UserError } from '@modelgate/core';
import type { GateRules } from './rules.js';

/** Config mistakes in `gate:` a gate cannot judge, as one clear line naming the key. */
export function checkGateRules(rules: GateRules, task: Task): void {
  for (const [metric, rule] of Object.entries(rules) as [MetricName, NonNullable<GateRules[MetricName]>][]) {
    if (!rule) continue;
    const key = `gate.${metric}`;
    if (!isCostMetric(metric)) {
      const mismatch = metricMismatch(metric, task);
      if (mismatch) throw new UserError(`${key}: ${mismatch}, and this is a ${task} model.`);
    }
    if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) {
      throw new UserError(`${key}: min ${rule.min} is above max ${rule.max}, so no model can pass.`);
    }
    if (rule.per_slice && isCostMetric(metric)) {
      throw new UserError(`${key}.per_slice: ${metric} is measured for the whole model, not per slice.`);
    }
  }
}
