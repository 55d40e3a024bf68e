import type { MetricName, MetricResult } from '@modelgate/core';
import type { SliceComparison } from '../slices/metrics.js';
import type { MetricComparison } from './compare.js';
import { checkRule, type GateRules, RULE_KINDS, type RuleOutcome } from './rules.js';

export type MetricValues = Partial<Record<MetricName, MetricResult>>;

/** What the gate judges: metrics of both models (prediction and cost metrics alike) and their comparisons. */
export interface GateEvidence {
  challenger: MetricValues;
  /** Absent when there is no champion yet: the gate then uses the absolute thresholds alone. */
  champion?: MetricValues;
  comparisons?: Partial<Record<MetricName, MetricComparison>>;
  slices?: Partial<Record<MetricName, readonly SliceComparison[]>>;
  /** Holdout rows the metrics were computed on. */
  rows?: number;
  /** The challenger is the champion's own file (same sha256). */
  identical?: boolean;
}

export const NO_CHAMPION_NOTE = 'no champion yet: the gate uses the absolute thresholds (min, max) alone';

export interface GateVerdict {
  pass: boolean;
  /** Whether a champion was compared with. */
  champion: boolean;
  /** One line: pass/fail and counts, and the no-champion note. */
  summary: string;
  outcomes: RuleOutcome[];
}

/** Every configured rule, one outcome each with its reason; the gate passes when none fails. */
export function evaluateGate(rules: GateRules, evidence: GateEvidence): GateVerdict {
  const hasChampion = evidence.champion !== undefined;
  const outcomes: RuleOutcome[] = [];
  for (const [metric, rule] of Object.entries(rules) as [MetricName, NonNullable<GateRules[MetricName]>][]) {
    if (!rule) continue;
    for (const kind of RULE_KINDS) {
      const outcome = checkRule(
        {
          metric,
          rule,
          challenger: evidence.challenger[metric],
          champion: evidence.champion?.[metric],
          hasChampion,
          comparison: evidence.comparisons?.[metric],
          slices: evidence.slices?.[metric],
          rows: evidence.rows,
          identical: evidence.identical,
        },
        kind,
      );
      if (outcome) outcomes.push(outcome);
    }
  }
  const failed = outcomes.filter((o) => o.status === 'fail').length;
  const checked = outcomes.filter((o) => o.status !== 'skipped').length;
  const pass = failed === 0;
  const counts =
    outcomes.length === 0
      ? 'no gate rules configured'
      : pass
        ? `${checked} of ${checked} rules pass`
        : `${failed} of ${checked} rules fail`;
  const summary = `${pass ? 'pass' : 'fail'}: ${counts}${hasChampion ? '' : `; ${NO_CHAMPION_NOTE}`}`;
  return { pass, champion: hasChampion, summary, outcomes };
}

/** The CLI's exit code for a verdict: 1 on fail. */
export function verdictExitCode(verdict: GateVerdict): 0 | 1 {
  return verdict.pass ? 0 : 1;
}
