import { type MetricName, metricMismatch, type Task, UserError } from '@modelgate/core';
import { checkGateRules } from '../gate/check.js';
import type { GateRules } from '../gate/rules.js';
import type { EvaluationSettings } from './settings.js';

/** Timings of two models on a shared runner are too noisy to compare: only their absolute bounds gate. */
export const TIMED_METRICS: readonly MetricName[] = [
  'latency_p50_ms',
  'latency_p99_ms',
  'throughput_rows_per_s',
];

const COMPARING = ['min_improvement', 'min_relative_improvement', 'non_inferiority'] as const;

/** The gate's own checks, no champion comparison of a timing, and intervals only of metrics the task has. */
export function checkEvaluationRules(rules: GateRules, task: Task, settings?: EvaluationSettings): void {
  checkGateRules(rules, task);
  if (Array.isArray(settings?.intervals)) {
    for (const metric of settings.intervals) {
      const mismatch = metricMismatch(metric, task);
      if (mismatch) {
        throw new UserError(`evaluate.bootstrap.metrics: ${mismatch}, and this is a ${task} model.`);
      }
    }
  }
  for (const metric of TIMED_METRICS) {
    const rule = rules[metric];
    const kind = COMPARING.find((k) => rule?.[k] !== undefined);
    if (kind) {
      throw new UserError(
        `gate.${metric}.${kind}: ${metric} is timed on the challenger only (two models timed on one shared runner are too noisy to compare); use ${metric.startsWith('throughput') ? 'min' : 'max'} instead.`,
      );
    }
  }
}
