import {
  type GateRule,
  type GateRules,
  isCostMetric,
  type MetricName,
  type MetricResult,
} from '@modelgate/core';
import type { SliceComparison } from '../slices/metrics.js';
import { type PowerAnalysis, powerAnalysis } from '../stats/power.js';
import { tangoNonInferior, tangoVariance } from '../stats/tango.js';
import { above, atLeast } from './boundary.js';
import type { DifferenceInterval, MetricComparison } from './compare.js';
import { direction, improvement, improvementInterval } from './direction.js';
import { formatNumber, formatPercent, formatSigned } from './format.js';

export type { GateRule, GateRules };
export type RuleKind = keyof GateRule;

/** The order rules are checked and reported in. */
export const RULE_KINDS: readonly RuleKind[] = [
  'min',
  'max',
  'min_improvement',
  'min_relative_improvement',
  'non_inferiority',
  'per_slice',
];

/** Rules that compare with the champion; without one they are skipped. */
export const CHAMPION_RULES: readonly RuleKind[] = [
  'min_improvement',
  'min_relative_improvement',
  'non_inferiority',
  'per_slice',
];

export interface SliceRegression {
  column: string;
  value: string;
  improvement: number;
}

/** What a non-inferiority rule can resolve on this holdout (see stats/power.ts). */
export interface RulePower extends PowerAnalysis {
  /** Paired rows the difference rests on. */
  rows: number;
}

export interface RuleOutcome {
  metric: MetricName;
  rule: RuleKind;
  threshold: number | boolean;
  status: 'pass' | 'fail' | 'skipped';
  /** One line saying why. */
  reason: string;
  challenger?: number;
  champion?: number;
  /** challenger vs champion, positive = better. */
  improvement?: number;
  /** Two-sided interval of the improvement. */
  interval?: [number, number];
  /** How the interval was made. */
  method?: DifferenceInterval['method'];
  power?: RulePower;
  slices?: SliceRegression[];
}

export interface RuleContext {
  metric: MetricName;
  rule: GateRule;
  challenger: MetricResult | undefined;
  /** undefined: no champion yet. */
  champion: MetricResult | undefined;
  hasChampion: boolean;
  comparison?: MetricComparison | undefined;
  slices?: readonly SliceComparison[] | undefined;
  /** Holdout rows, for the power of a bootstrapped or DeLong difference. */
  rows?: number | undefined;
  /** The challenger is the champion's own file: every difference is exactly 0. */
  identical?: boolean | undefined;
}

type Outcome = Omit<RuleOutcome, 'metric' | 'rule' | 'threshold'>;

const describe = (result: MetricResult | undefined, metric: string, whose: string) =>
  !result
    ? `${whose}${metric} was not measured`
    : `${whose}${metric} is undefined (${'undefined' in result ? result.undefined : ''})`;

function absolute(ctx: RuleContext, kind: 'min' | 'max', threshold: number): Outcome {
  const { challenger, metric } = ctx;
  if (!challenger || !('value' in challenger)) {
    return {
      status: 'fail',
      reason: `${describe(challenger, metric, '')}: ${kind} ${formatNumber(threshold)} cannot be checked`,
    };
  }
  const v = challenger.value;
  const ok = kind === 'min' ? atLeast(v, threshold) : atLeast(-v, -threshold);
  const relation = kind === 'min' ? (ok ? '≥' : 'is below') : ok ? '≤' : 'is above';
  return {
    status: ok ? 'pass' : 'fail',
    reason: `${metric} ${formatNumber(v)} ${relation} ${kind} ${formatNumber(threshold)}`,
    challenger: v,
  };
}

/** Both values, or the failing outcome saying which is missing. */
function pair(ctx: RuleContext, kind: RuleKind): { a: number; b: number } | Outcome {
  const { challenger, champion, metric } = ctx;
  if (!challenger || !('value' in challenger)) {
    return {
      status: 'fail',
      reason: `${describe(challenger, metric, "the challenger's ")}: cannot compare (${kind})`,
    };
  }
  if (!champion || !('value' in champion)) {
    return {
      status: 'fail',
      reason: `${describe(champion, metric, "the champion's ")}: cannot compare (${kind})`,
    };
  }
  return { a: challenger.value, b: champion.value };
}

function change(metric: MetricName, a: number, b: number): string {
  return `${metric} ${formatNumber(b)} → ${formatNumber(a)} (${direction(metric)})`;
}

function minImprovement(ctx: RuleContext, threshold: number): Outcome {
  const values = pair(ctx, 'min_improvement');
  if ('status' in values) return values;
  const { a, b } = values;
  const gain = improvement(ctx.metric, a, b);
  const ok = atLeast(gain, threshold);
  return {
    status: ok ? 'pass' : 'fail',
    reason: `${change(ctx.metric, a, b)}: improvement ${formatSigned(gain)}, needs ≥ ${formatNumber(threshold)}`,
    challenger: a,
    champion: b,
    improvement: gain,
  };
}

/**
 * MLflow's min_relative_change, measured against |champion| so a negative
 * champion (R² = -0.3) is handled: MLflow divides by the signed value, which
 * turns a gain into a loss there. A champion of 0 has no relative scale: the
 * challenger must then be strictly better (MLflow's fallback as well).
 */
function minRelativeImprovement(ctx: RuleContext, threshold: number): Outcome {
  const values = pair(ctx, 'min_relative_improvement');
  if ('status' in values) return values;
  const { a, b } = values;
  const gain = improvement(ctx.metric, a, b);
  const base = { challenger: a, champion: b, improvement: gain };
  if (b === 0) {
    const ok = gain > 0;
    return {
      status: ok ? 'pass' : 'fail',
      reason: `${change(ctx.metric, a, b)}: a relative improvement over 0 is undefined, so the challenger must be strictly better; it ${ok ? 'is' : 'is not'}`,
      ...base,
    };
  }
  const relative = gain / Math.abs(b);
  const ok = atLeast(relative, threshold);
  return {
    status: ok ? 'pass' : 'fail',
    reason: `${change(ctx.metric, a, b)}: improvement ${relative > 0 ? '+' : ''}${formatPercent(relative)} of |${formatNumber(b)}|, needs ≥ ${formatPercent(threshold)}`,
    ...base,
  };
}

function methodNote(interval: DifferenceInterval): string {
  switch (interval.method) {
    case 'tango-score':
      return `Tango score interval; ${interval.challengerOnly} rows only the challenger gets right, ${interval.championOnly} only the champion`;
    case 'delong':
      return `DeLong, SE ${formatNumber(interval.standardError)}`;
    case 'paired-bootstrap':
      return `paired bootstrap, ${interval.used} resamples`;
  }
}

/** The standard error non-inferiority's power rests on: Tango's variance at the margin, else the interval's. */
function powerOf(interval: DifferenceInterval, margin: number, rows: number): RulePower {
  const standardError =
    interval.method === 'tango-score' ? Math.sqrt(tangoVariance(interval, -margin)) : interval.standardError;
  const holdout = interval.method === 'tango-score' ? interval.rows : rows;
  return { rows: holdout, ...powerAnalysis(standardError, margin, holdout, interval.level) };
}

/**
 * Not worse than the champion by the margin or more: the lower bound of the
 * improvement's two-sided interval is strictly above -margin (a one-sided
 * test at (1 - level) / 2). Accuracy decides on Tango's statistic, in whole rows.
 */
function nonInferiority(ctx: RuleContext, margin: number): Outcome {
  const values = pair(ctx, 'non_inferiority');
  if ('status' in values) return values;
  const { a, b } = values;
  const { metric } = ctx;
  const gain = improvement(metric, a, b);
  const base = { challenger: a, champion: b, improvement: gain };
  if (isCostMetric(metric)) {
    return {
      status: 'fail',
      reason: `${metric} is one measurement per model, with no paired rows to put an interval on: non_inferiority cannot be judged`,
      ...base,
    };
  }
  const interval = ctx.comparison?.interval;
  const measured = interval && !('undefined' in interval) ? interval : undefined;
  const power = measured ? { power: powerOf(measured, margin, ctx.rows ?? 0) } : {};
  if (ctx.identical) {
    // Tango's variance at the margin still says what this holdout resolves; a bootstrap of identical models has no spread to go on.
    return {
      status: 'pass',
      reason: `the challenger is the champion's own file (same sha256): ${metric} is the same on every row`,
      ...base,
      ...(measured?.method === 'tango-score' ? power : {}),
    };
  }
  if (!measured) {
    return {
      status: 'fail',
      reason: `no confidence interval for ${metric}: ${interval && 'undefined' in interval ? interval.undefined : 'it was not compared'}`,
      ...base,
    };
  }
  const [low, high] = improvementInterval(metric, measured.low, measured.high);
  const ok =
    measured.method === 'tango-score'
      ? tangoNonInferior(measured, margin, measured.level)
      : above(low, -margin);
  const ci = `${formatPercent(measured.level)} CI [${formatNumber(low)}, ${formatNumber(high)}] (${methodNote(measured)})`;
  return {
    status: ok ? 'pass' : 'fail',
    reason: `${change(metric, a, b)}: improvement ${formatSigned(gain)}, ${ci}; ${
      ok
        ? `lower bound > -${formatNumber(margin)}: not worse by ${formatNumber(margin)} or more`
        : `lower bound ≤ -${formatNumber(margin)}: may be worse by ${formatNumber(margin)} or more`
    }`,
    ...base,
    interval: [low, high],
    method: measured.method,
    ...power,
  };
}

const sliceName = (s: { column: string; value: string }) => `${s.column}=${s.value}`;

/**
 * No slice worse than the champion's by more than the rule's non_inferiority
 * margin (0 without one), on point estimates: per-slice intervals on small
 * slices would be too wide to say anything. Small and undefined slices are
 * counted, not checked.
 */
function perSlice(ctx: RuleContext): Outcome {
  const margin = ctx.rule.non_inferiority ?? 0;
  const slices = ctx.slices ?? [];
  if (slices.length === 0) {
    return {
      status: 'fail',
      reason: `per_slice needs slice columns, and no slices of ${ctx.metric} were evaluated`,
    };
  }
  const compared: SliceRegression[] = [];
  let skipped = 0;
  for (const s of slices) {
    if ('tooSmall' in s || !('value' in s.challenger) || !('value' in s.champion)) {
      skipped++;
      continue;
    }
    compared.push({
      column: s.column,
      value: s.value,
      improvement: improvement(ctx.metric, s.challenger.value, s.champion.value),
    });
  }
  const note = skipped ? `; ${skipped} too small or undefined, not checked` : '';
  if (compared.length === 0) {
    return { status: 'fail', reason: `no slice of ${ctx.metric} could be compared${note}` };
  }
  const failing = compared.filter((s) => !atLeast(s.improvement, -margin));
  if (failing.length === 0) {
    const worst = compared.reduce((w, s) => (s.improvement < w.improvement ? s : w));
    return {
      status: 'pass',
      reason: `no ${ctx.metric} slice regresses by more than ${formatNumber(margin)} (${compared.length} compared, worst ${sliceName(worst)} ${formatSigned(worst.improvement)})${note}`,
      slices: [worst],
    };
  }
  failing.sort((x, y) => x.improvement - y.improvement);
  const listed = failing
    .slice(0, 5)
    .map((s) => `${sliceName(s)} (${formatSigned(s.improvement)})`)
    .join(', ');
  return {
    status: 'fail',
    reason: `${failing.length} of ${compared.length} ${ctx.metric} slices regress by more than ${formatNumber(margin)}: ${listed}${failing.length > 5 ? ', ...' : ''}${note}`,
    slices: failing,
  };
}

/** The outcome of one rule of one metric. */
export function checkRule(ctx: RuleContext, kind: RuleKind): RuleOutcome | undefined {
  const threshold = ctx.rule[kind];
  if (threshold === undefined || threshold === false) return undefined;
  const head = { metric: ctx.metric, rule: kind, threshold };
  if (!ctx.hasChampion && CHAMPION_RULES.includes(kind)) {
    return {
      ...head,
      status: 'skipped',
      reason: `no champion yet: ${kind} is not checked, absolute thresholds only`,
    };
  }
  const value = threshold as number;
  switch (kind) {
    case 'min':
    case 'max':
      return { ...head, ...absolute(ctx, kind, value) };
    case 'min_improvement':
      return { ...head, ...minImprovement(ctx, value) };
    case 'min_relative_improvement':
      return { ...head, ...minRelativeImprovement(ctx, value) };
    case 'non_inferiority':
      return { ...head, ...nonInferiority(ctx, value) };
    case 'per_slice':
      return { ...head, ...perSlice(ctx) };
  }
}
