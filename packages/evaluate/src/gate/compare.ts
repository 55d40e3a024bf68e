import {
  computeMetric,
  defined,
  lowerIsBetter,
  type MetricName,
  type MetricOptions,
  type MetricResult,
  resolveClassification,
  rowScorer,
  type TaskPredictions,
  undefinedMetric,
} from '@modelgate/core';
import {
  type BootstrapInterval,
  type BootstrapOptions,
  type BootstrapTarget,
  sharedPairedBootstrap,
} from '../stats/bootstrap.js';
import { pairedDeLong } from '../stats/delong.js';
import { discordantPairs, type McNemarResult, mcnemar } from '../stats/mcnemar.js';
import { twoSidedZ } from '../stats/normal-quantile.js';
import { type DiscordantCounts, tangoInterval, tangoVariance } from '../stats/tango.js';

/** Metrics that count rows a model gets right: compared in whole rows, with Tango's interval and McNemar's test. */
export const ACCURACY_TYPE_METRICS: readonly MetricName[] = ['accuracy'];

export function isAccuracyType(metric: MetricName): boolean {
  return ACCURACY_TYPE_METRICS.includes(metric);
}

/** Tango's score interval for a difference of paired accuracies. */
export interface TangoDifference extends DiscordantCounts {
  method: 'tango-score';
  low: number;
  high: number;
  level: number;
  /** Standard error of the observed difference (Tango's variance at the estimate). */
  standardError: number;
}

/** A Wald interval with DeLong's variance, for the difference of two binary ROC AUCs. */
export interface DeLongDifference {
  method: 'delong';
  low: number;
  high: number;
  level: number;
  standardError: number;
}

export type DifferenceInterval = TangoDifference | DeLongDifference | BootstrapInterval;
export type IntervalResult = DifferenceInterval | { undefined: string };

export interface MetricComparison {
  metric: MetricName;
  challenger: MetricResult;
  champion: MetricResult;
  /** metric(challenger) - metric(champion) on all holdout rows. */
  difference: MetricResult;
  /** Two-sided interval of the difference, at the configured level. */
  interval: IntervalResult;
  /** Accuracy: whether the two accuracies differ at all. Shown for information; no rule uses it. */
  mcnemar?: McNemarResult;
}

/** Both models must have been run on the identical holdout rows: same count, same targets. */
export function assertSameHoldout(challenger: TaskPredictions, champion: TaskPredictions): void {
  if (challenger.task !== champion.task) {
    throw new RangeError(
      `the challenger is a ${challenger.task} model, the champion a ${champion.task} model`,
    );
  }
  const a = challenger.yTrue;
  const b = champion.yTrue;
  if (a.length !== b.length) {
    throw new RangeError(`the challenger was run on ${a.length} holdout rows, the champion on ${b.length}`);
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) {
      throw new RangeError(`the challenger and the champion disagree on the target of holdout row ${i}`);
    }
  }
}

const sameValues = (a: ArrayLike<number> | undefined, b: ArrayLike<number> | undefined) =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.length === b.length &&
    Array.prototype.every.call(a, (v: number, i: number) => Object.is(v, b[i])));

/** Whether two models gave the same output on every row: labels, and probabilities where there are any. */
export function samePredictions(challenger: TaskPredictions, champion: TaskPredictions): boolean {
  if (challenger.task === 'regression' || champion.task === 'regression') {
    return challenger.task === champion.task && sameValues(challenger.yPred, champion.yPred);
  }
  return (
    sameValues(resolveClassification(challenger).yPred, resolveClassification(champion).yPred) &&
    sameValues(challenger.probabilities, champion.probabilities)
  );
}

export interface CompareOptions extends BootstrapOptions {
  metricOptions?: MetricOptions;
  /** Non-inferiority margins by metric: a bootstrap bound near -margin gets more resamples. */
  margins?: Partial<Record<MetricName, number>>;
}

function differenceOf(metric: MetricName, a: MetricResult, b: MetricResult): MetricResult {
  if ('value' in a && 'value' in b) return defined(a.value - b.value);
  if ('undefined' in a) return undefinedMetric(`the challenger's ${metric} is undefined (${a.undefined})`);
  return undefinedMetric(`the champion's ${metric} is undefined (${(b as { undefined: string }).undefined})`);
}

function accuracyCounts(challenger: TaskPredictions, champion: TaskPredictions): DiscordantCounts {
  if (challenger.task === 'regression' || champion.task === 'regression') {
    throw new RangeError('accuracy needs classifiers');
  }
  const pairs = discordantPairs(
    challenger.yTrue,
    resolveClassification(challenger).yPred,
    resolveClassification(champion).yPred,
  );
  return { ...pairs, rows: challenger.yTrue.length };
}

function tangoDifference(counts: DiscordantCounts, level: number): TangoDifference {
  const { low, high } = tangoInterval(counts, level);
  const observed = (counts.challengerOnly - counts.championOnly) / counts.rows;
  return {
    method: 'tango-score',
    low,
    high,
    level,
    standardError: Math.sqrt(tangoVariance(counts, observed)),
    ...counts,
  };
}

/** Binary ROC AUC from probabilities: DeLong's paired variance; undefined when it does not apply. */
function deLongDifference(
  challenger: TaskPredictions,
  champion: TaskPredictions,
  difference: number,
  level: number,
): DeLongDifference | undefined {
  if (challenger.task !== 'binary' || champion.task !== 'binary') return undefined;
  const a = resolveClassification(challenger);
  const b = resolveClassification(champion);
  if (a.noProbabilities || b.noProbabilities || !a.probabilities || !b.probabilities) return undefined;
  const positive = Uint8Array.from(a.yTrue, (y) => (y === 1 ? 1 : 0));
  const column = (p: ArrayLike<number>) =>
    Float64Array.from({ length: a.n }, (_, i) => p[i * 2 + 1] as number);
  const result = pairedDeLong(positive, column(a.probabilities), column(b.probabilities));
  if ('undefined' in result) return undefined;
  const standardError = Math.sqrt(result.variance);
  const z = twoSidedZ(level);
  return {
    method: 'delong',
    low: difference - z * standardError,
    high: difference + z * standardError,
    level,
    standardError,
  };
}

/** Where a non-inferiority rule puts its threshold on challenger - champion. */
function boundaryOf(metric: MetricName, margin: number | undefined): BootstrapTarget['boundary'] {
  if (margin === undefined) return undefined;
  return lowerIsBetter(metric) ? { side: 'high', value: margin } : { side: 'low', value: -margin };
}

/**
 * Differences of several metrics between two models on the same rows, each
 * with a two-sided interval: Tango's score interval for accuracy, DeLong's for
 * a binary ROC AUC, and for the rest paired percentile bootstraps that share
 * one set of resamples.
 */
export function compareMetrics(
  metrics: readonly MetricName[],
  challenger: TaskPredictions,
  champion: TaskPredictions,
  options: CompareOptions = {},
): Partial<Record<MetricName, MetricComparison>> {
  assertSameHoldout(challenger, champion);
  const { metricOptions, margins, ...bootstrap } = options;
  const level = bootstrap.level ?? 0.95;
  const out: Partial<Record<MetricName, MetricComparison>> = {};
  const resampled: Partial<Record<MetricName, BootstrapTarget>> = {};
  for (const metric of metrics) {
    const a = computeMetric(metric, challenger, metricOptions);
    const b = computeMetric(metric, champion, metricOptions);
    const difference = differenceOf(metric, a, b);
    const comparison: MetricComparison = {
      metric,
      challenger: a,
      champion: b,
      difference,
      interval: 'value' in difference ? { undefined: 'not computed' } : { undefined: difference.undefined },
    };
    out[metric] = comparison;
    const classifiers = challenger.task !== 'regression' && champion.task !== 'regression';
    if (isAccuracyType(metric) && classifiers) {
      const counts = accuracyCounts(challenger, champion);
      comparison.mcnemar = mcnemar(counts.challengerOnly, counts.championOnly);
      if ('value' in difference) comparison.interval = tangoDifference(counts, level);
      continue;
    }
    if (!('value' in difference)) continue;
    const deLong =
      metric === 'roc_auc' ? deLongDifference(challenger, champion, difference.value, level) : undefined;
    if (deLong) {
      comparison.interval = deLong;
      continue;
    }
    const boundary = boundaryOf(metric, margins?.[metric]);
    resampled[metric] = {
      challenger: rowScorer(metric, challenger, metricOptions),
      champion: rowScorer(metric, champion, metricOptions),
      ...(boundary ? { boundary } : {}),
    };
  }
  const intervals = sharedPairedBootstrap(
    challenger.yTrue.length,
    resampled as Record<string, BootstrapTarget>,
    bootstrap,
  );
  for (const [metric, interval] of Object.entries(intervals)) {
    const comparison = out[metric as MetricName];
    if (comparison) comparison.interval = interval;
  }
  return out;
}

/** The difference of one metric between two models on the same rows, with its interval. */
export function compareMetric(
  metric: MetricName,
  challenger: TaskPredictions,
  champion: TaskPredictions,
  options: CompareOptions = {},
): MetricComparison {
  return compareMetrics([metric], challenger, champion, options)[metric] as MetricComparison;
}
