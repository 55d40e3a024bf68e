import { z } from 'zod';
import { isCostMetric, metricMismatch, predictionMetrics } from '../metrics/compute.js';
import type { PathKey } from '../zod-errors.js';
import { inUnitInterval, METRICS, type MetricName } from './metrics.js';
import type { Task } from './schema.js';

/** `gate: none`: no rules at all, written out so that no gate is never an accident. */
export const GATE_NONE = 'none';

const MARGIN = "expected a margin >= 0, in the metric's own units";

export const gateRule = z.strictObject({
  min: z.number().optional().describe('Absolute floor for the challenger.'),
  max: z.number().optional().describe('Absolute ceiling for the challenger.'),
  min_improvement: z
    .number()
    .optional()
    .describe("Minimum absolute improvement over the champion, in the metric's units (point estimates)."),
  min_relative_improvement: z.number().optional().describe('Minimum improvement relative to |champion|.'),
  non_inferiority: z
    .number()
    .nonnegative(MARGIN)
    .optional()
    .describe(
      "Margin m in the metric's units: the challenger passes when the lower bound of the improvement's two-sided 95% interval is above -m (a one-sided test at 2.5%). See packages/evaluate/GATE.md.",
    ),
  per_slice: z.boolean().optional().describe('Also require no regression beyond the margin in every slice.'),
});

const gateRules = z.partialRecord(z.enum(METRICS), gateRule);

export const gateSchema = z
  .union([z.literal(GATE_NONE), gateRules], {
    error: () => "expected 'none' or a map of metric: rules",
  })
  .optional()
  .describe(
    "Rules a challenger must pass to be registered. Absent: the default gate (non-inferiority on the task's primary metric, packages/evaluate/GATE.md); 'none': no rules.",
  );

export type GateRules = z.output<typeof gateRules>;
export type GateRule = z.output<typeof gateRule>;
/** `gate:` as parsed: rules, `none`, or absent (the default gate applies). */
export type GateConfig = z.output<typeof gateSchema>;

/** Timings of two models on one shared runner are too noisy to compare: only their own bounds gate. */
export const TIMED_METRICS: readonly MetricName[] = [
  'latency_p50_ms',
  'latency_p99_ms',
  'throughput_rows_per_s',
];

const COMPARING = ['min_improvement', 'min_relative_improvement', 'non_inferiority'] as const;

export interface GateProblem {
  /** Below `gate`, e.g. ['accuracy', 'non_inferiority']. */
  path: PathKey[];
  message: string;
}

function ruleProblems(metric: MetricName, rule: GateRule, task: Task): GateProblem[] {
  const at = (key?: keyof GateRule): PathKey[] => (key ? [metric, key] : [metric]);
  if (!isCostMetric(metric)) {
    const mismatch = metricMismatch(metric, task);
    if (mismatch) {
      return [
        {
          path: at(),
          message: `${mismatch}, and this is a ${task} model (gate one of ${predictionMetrics(task).join(', ')}, or a cost metric)`,
        },
      ];
    }
  }
  const problems: GateProblem[] = [];
  if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) {
    problems.push({ path: at('min'), message: `expected min <= max (${rule.max}): no model can pass both` });
  }
  if (isCostMetric(metric)) {
    if (rule.non_inferiority !== undefined) {
      problems.push({
        path: at('non_inferiority'),
        message: `${metric} is one measurement per model, with no paired rows to put an interval on; use ${metric.startsWith('throughput') ? 'min' : 'max'}${TIMED_METRICS.includes(metric) ? '' : ' or min_improvement'} instead`,
      });
    }
    if (rule.per_slice) {
      problems.push({
        path: at('per_slice'),
        message: `${metric} is measured for the whole model, not per slice`,
      });
    }
    const timed = TIMED_METRICS.includes(metric) ? COMPARING.find((k) => rule[k] !== undefined) : undefined;
    if (timed && timed !== 'non_inferiority') {
      problems.push({
        path: at(timed),
        message: `${metric} is timed on the challenger only (two models timed on one shared runner are too noisy to compare); use ${metric.startsWith('throughput') ? 'min' : 'max'} instead`,
      });
    }
  }
  if (inUnitInterval(metric)) {
    for (const key of ['non_inferiority', 'min_improvement'] as const) {
      const value = rule[key];
      if (value !== undefined && Math.abs(value) > 1) {
        problems.push({
          path: at(key),
          message: `expected ${key === 'non_inferiority' ? 'a margin from 0' : 'a change from -1'} to 1 in ${metric}'s units (its whole range is [0, 1]; 0.01 = one point)`,
        });
      }
    }
    if (rule.min !== undefined && rule.min > 1) {
      problems.push({
        path: at('min'),
        message: `expected at most 1: ${metric} never exceeds 1, so no model could pass`,
      });
    }
    if (rule.max !== undefined && rule.max < 0) {
      problems.push({
        path: at('max'),
        message: `expected at least 0: ${metric} is never below 0, so no model could pass`,
      });
    }
  }
  return problems;
}

/**
 * What a gate cannot judge, each with the key it sits under: a metric the
 * task does not have, a margin outside the metric's range, non-inferiority on
 * a metric without paired rows, timings compared between models, min above max.
 */
export function gateProblems(gate: GateConfig, task: Task): GateProblem[] {
  if (gate === undefined || gate === GATE_NONE) return [];
  return (Object.entries(gate) as [MetricName, GateRule | undefined][]).flatMap(([metric, rule]) =>
    rule ? ruleProblems(metric, rule, task) : [],
  );
}
