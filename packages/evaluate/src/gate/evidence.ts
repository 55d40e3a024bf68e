import type { MetricName } from '@modelgate/core';
import { computeMetrics, isCostMetric, type MetricOptions, type TaskPredictions } from '@modelgate/core';
import type { SliceDefinition } from '../slices/define.js';
import { compareSlices, type SliceComparison } from '../slices/metrics.js';
import type { BootstrapOptions } from '../stats/bootstrap.js';
import { assertSameHoldout, compareMetrics } from './compare.js';
import type { GateRules } from './rules.js';
import type { GateEvidence, MetricValues } from './verdict.js';

export interface EvidenceInput {
  rules: GateRules;
  challenger: TaskPredictions;
  /** The current champion on the identical holdout rows; absent when there is none yet. */
  champion?: TaskPredictions;
  /** The challenger is the champion's own file (same sha256). */
  identical?: boolean;
  /** Measured cost metrics (latency_p99_ms, model_size_mb, ...) of each model. */
  challengerCosts?: MetricValues;
  championCosts?: MetricValues;
  slices?: readonly SliceDefinition[];
  minSliceSize?: number;
  bootstrap?: BootstrapOptions;
  metricOptions?: MetricOptions;
  /** Metrics to compare with an interval; default the gated prediction metrics. */
  compare?: readonly MetricName[];
}

/** Non-inferiority margins by metric: where bootstrap bounds are refined. */
function margins(rules: GateRules): Partial<Record<MetricName, number>> {
  const out: Partial<Record<MetricName, number>> = {};
  for (const [metric, rule] of Object.entries(rules) as [MetricName, GateRules[MetricName]][]) {
    if (rule?.non_inferiority !== undefined) out[metric] = rule.non_inferiority;
  }
  return out;
}

/** Computes what evaluateGate needs: metrics, paired comparisons and per-slice comparisons. */
export function collectGateEvidence(input: EvidenceInput): GateEvidence {
  const { rules, challenger, champion, metricOptions } = input;
  const evidence: GateEvidence = {
    challenger: { ...computeMetrics(challenger, metricOptions ?? {}), ...input.challengerCosts },
    rows: challenger.yTrue.length,
  };
  if (!champion) return evidence;
  assertSameHoldout(challenger, champion);
  evidence.champion = { ...computeMetrics(champion, metricOptions ?? {}), ...input.championCosts };
  if (input.identical) evidence.identical = true;
  const gated = Object.keys(rules) as MetricName[];
  const compared = input.compare ?? gated.filter((m) => !isCostMetric(m));
  evidence.comparisons = compareMetrics(compared, challenger, champion, {
    ...input.bootstrap,
    margins: margins(rules),
    ...(metricOptions ? { metricOptions } : {}),
  });
  const slices: Partial<Record<MetricName, readonly SliceComparison[]>> = {};
  for (const metric of gated) {
    if (!rules[metric]?.per_slice || !input.slices) continue;
    slices[metric] = compareSlices(input.slices, metric, challenger, champion, {
      ...(input.minSliceSize !== undefined ? { minSize: input.minSliceSize } : {}),
      ...(metricOptions ? { metricOptions } : {}),
    });
  }
  evidence.slices = slices;
  return evidence;
}
