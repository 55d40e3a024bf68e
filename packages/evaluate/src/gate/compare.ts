import type { MetricName } from '@modelgate/core';
import {
  computeMetric,
  defined,
  type MetricOptions,
  type MetricResult,
  resolveClassification,
  rowScorer,
  type TaskPredictions,
  undefinedMetric,
} from '@modelgate/core';
import { type BootstrapOptions, type IntervalResult, pairedBootstrap } from '../stats/bootstrap.js';
import { discordantPairs, type McNemarResult, mcnemar } from '../stats/mcnemar.js';

/** Metrics compared with McNemar's test on per-row correctness. */
export const ACCURACY_TYPE_METRICS: readonly MetricName[] = ['accuracy'];

export interface MetricComparison {
  metric: MetricName;
  challenger: MetricResult;
  champion: MetricResult;
  /** metric(challenger) - metric(champion) on all holdout rows. */
  difference: MetricResult;
  /** Paired bootstrap percentile interval of the difference. */
  interval: IntervalResult;
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

export interface CompareOptions extends BootstrapOptions {
  metricOptions?: MetricOptions;
}

/** The difference of one metric between two models on the same rows, with its bootstrap interval. */
export function compareMetric(
  metric: MetricName,
  challenger: TaskPredictions,
  champion: TaskPredictions,
  options: CompareOptions = {},
): MetricComparison {
  assertSameHoldout(challenger, champion);
  const { metricOptions, ...bootstrap } = options;
  const a = computeMetric(metric, challenger, metricOptions);
  const b = computeMetric(metric, champion, metricOptions);
  const difference =
    'value' in a && 'value' in b
      ? defined(a.value - b.value)
      : 'undefined' in a
        ? undefinedMetric(`the challenger's ${metric} is undefined (${a.undefined})`)
        : undefinedMetric(
            `the champion's ${metric} is undefined (${(b as { undefined: string }).undefined})`,
          );
  const interval =
    'value' in difference
      ? pairedBootstrap(
          challenger.yTrue.length,
          rowScorer(metric, challenger, metricOptions),
          rowScorer(metric, champion, metricOptions),
          bootstrap,
        )
      : { undefined: difference.undefined };
  const out: MetricComparison = { metric, challenger: a, champion: b, difference, interval };
  if (
    ACCURACY_TYPE_METRICS.includes(metric) &&
    challenger.task !== 'regression' &&
    champion.task !== 'regression'
  ) {
    const pairs = discordantPairs(
      challenger.yTrue,
      resolveClassification(challenger).yPred,
      resolveClassification(champion).yPred,
    );
    out.mcnemar = mcnemar(pairs.challengerOnly, pairs.championOnly);
  }
  return out;
}
