import { GATE_NONE, type GateConfig, type GateRules, type MetricName, type Task } from '@modelgate/core';

/** The margin of the default gate, in the primary metric's units: one point of accuracy or of R². */
export const DEFAULT_MARGIN = 0.01;

/**
 * The metric the default gate (and `modelgate init`) judges: accuracy for
 * classifiers (defined for every classifier, labels-only ones too, and
 * compared in whole rows with an exact-count interval), R² for regression
 * (unitless, so one margin fits every target: a drop of 0.01 is a rise in
 * squared error of 1% of the target's variance).
 */
export const PRIMARY_METRIC: Record<Task, MetricName> = {
  binary: 'accuracy',
  multiclass: 'accuracy',
  regression: 'r2',
};

export type GateSource = 'configured' | 'default' | 'none';

export interface ResolvedGate {
  rules: GateRules;
  source: GateSource;
  /** What the report says about where the rules came from; null for rules from modelgate.yaml. */
  note: string | null;
}

/** The default gate's rules for a task: non-inferiority on its primary metric. */
export function defaultGateRules(task: Task): GateRules {
  return { [PRIMARY_METRIC[task]]: { non_inferiority: DEFAULT_MARGIN } };
}

/**
 * `gate:` as the gate applies it. Absent (or an empty map): the default gate,
 * so a much worse challenger never passes by omission; `none`: no rules.
 */
export function resolveGate(gate: GateConfig, task: Task): ResolvedGate {
  if (gate === GATE_NONE) {
    return {
      rules: {},
      source: 'none',
      note: 'no rules (gate: none in modelgate.yaml): every challenger passes',
    };
  }
  if (gate && Object.keys(gate).length > 0) return { rules: gate, source: 'configured', note: null };
  const metric = PRIMARY_METRIC[task];
  return {
    rules: defaultGateRules(task),
    source: 'default',
    note: `no gate: in modelgate.yaml, so the default gate applies: ${metric} not worse than the champion's by ${DEFAULT_MARGIN} or more (non_inferiority ${DEFAULT_MARGIN}); write gate: none for no gate`,
  };
}
