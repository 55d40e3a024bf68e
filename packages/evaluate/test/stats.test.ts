import { computeMetric, METRICS, rowScorer, selectRows, type TaskPredictions } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import {
  binomialHalfCdf,
  chiSquared1Survival,
  histogram,
  mcnemar,
  pairedBootstrap,
  quantiles,
  seededResamples,
} from '../src/index.js';
import {
  classificationCase,
  expectAllClose,
  expectClose,
  predictionsOf,
  reference,
  regressionCase,
  regressionOf,
} from './reference.js';

describe('McNemar agrees with statsmodels formulas (scipy reference)', () => {
  it.each(reference.stats.mcnemar.map((m) => [`b=${m.b} c=${m.c}`, m] as const))('%s', (_, m) => {
    const exact = mcnemar(m.b, m.c, 'exact');
    expectClose(exact.pValue, m.exact_p, 'exact p');
    if (m.chi2_p !== null && m.chi2_statistic !== null) {
      const chi2 = mcnemar(m.b, m.c, 'chi2');
      expectClose(chi2.statistic, m.chi2_statistic, 'chi2 statistic');
      expectClose(chi2.pValue, m.chi2_p, 'chi2 p');
    }
    const auto = mcnemar(m.b, m.c);
    expect(auto.method).toBe(m.b + m.c < 25 ? 'exact' : 'chi2');
  });

  it('gives p = 1 without discordant rows', () => {
    expect(mcnemar(0, 0)).toEqual({
      challengerOnly: 0,
      championOnly: 0,
      method: 'exact',
      statistic: 0,
      pValue: 1,
    });
  });

  it('computes the binomial and chi-squared tails without underflow', () => {
    // scipy.stats.binom.cdf and scipy.stats.chi2.sf
    expectClose(binomialHalfCdf(900, 2000) / 4.228544767751906e-6, 1, 'P(X <= 900 | 2000), relative');
    expectClose(binomialHalfCdf(10, 20), 0.5880985260009766, 'P(X <= 10 | 20)');
    expectClose(chiSquared1Survival(3.841458820694124), 0.05, 'chi2 95%');
    expectClose(chiSquared1Survival(200) / 2.0884875837625688e-45, 1, 'chi2 tail, relative');
    expectClose(chiSquared1Survival(0.001), 0.9747728793699604, 'chi2 near 0');
    expectClose(chiSquared1Survival(1e-10), 0.9999920211543921, 'chi2 at 1e-10');
    expect(chiSquared1Survival(0)).toBe(1);
  });
});

describe('quantiles and histograms agree with numpy', () => {
  it.each(reference.stats.quantiles.map((q, i) => [i, q] as const))('quantiles case %i', (_, q) => {
    expectAllClose(quantiles(q.x, q.q), q.values, 'quantile');
  });

  it.each(reference.stats.histograms.map((h, i) => [i, h] as const))('histogram case %i', (_, h) => {
    const result = histogram(h.x, h.bins);
    expectAllClose(result.edges, h.edges, 'edges');
    expect(result.counts).toEqual(h.counts);
  });
});

describe('paired bootstrap', () => {
  const challenger = predictionsOf(classificationCase('penguins-species'));
  const champion = predictionsOf(classificationCase('penguins-species-champion'));
  const scorer =
    (metric: 'accuracy' | 'log_loss' | 'roc_auc', model: typeof challenger) => (rows: Int32Array) =>
      computeMetric(metric, selectRows(model, rows));
  const n = challenger.yTrue.length;

  it.each(['accuracy', 'log_loss', 'roc_auc'] as const)(
    '%s: the same resamples give scikit-learn’s paired differences and numpy’s percentile interval',
    (metric) => {
      const expected = reference.bootstrap.paired[metric];
      if (!expected) throw new Error(metric);
      const resamples = reference.bootstrap.draws.map((d) => Int32Array.from(d));
      const result = pairedBootstrap(n, scorer(metric, challenger), scorer(metric, champion), { resamples });
      if ('undefined' in result) throw new Error(result.undefined);
      expectClose(result.low, expected.ci_low, 'low');
      expectClose(result.high, expected.ci_high, 'high');
      expect(result.used).toBe(resamples.length);
      const differences = resamples.map((rows) => {
        const a = scorer(metric, challenger)(rows);
        const b = scorer(metric, champion)(rows);
        return 'value' in a && 'value' in b ? a.value - b.value : Number.NaN;
      });
      expectAllClose(differences, expected.differences, 'differences');
    },
  );

  it('is deterministic for a seed and changes with it', () => {
    const run = (seed: number) =>
      pairedBootstrap(n, scorer('accuracy', challenger), scorer('accuracy', champion), {
        replicates: 200,
        seed,
      });
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    const draws = [...seededResamples(5, 3, 1)];
    expect(draws).toEqual([...seededResamples(5, 3, 1)]);
    expect(draws.every((d) => d.every((r) => r >= 0 && r < 5))).toBe(true);
  });

  it('brackets the observed difference with a 95% interval', () => {
    const result = pairedBootstrap(n, scorer('log_loss', challenger), scorer('log_loss', champion));
    if ('undefined' in result) throw new Error(result.undefined);
    const a = computeMetric('log_loss', challenger);
    const b = computeMetric('log_loss', champion);
    if (!('value' in a && 'value' in b)) throw new Error('log loss undefined');
    expect(result.replicates).toBe(1000);
    expect(result.seed).toBe(42);
    expect(result.low).toBeLessThan(a.value - b.value);
    expect(result.high).toBeGreaterThan(a.value - b.value);
    expect(result.high).toBeLessThan(0); // the challenger's log loss is clearly lower
  });

  it('is undefined when the metric is undefined in most resamples', () => {
    const yTrue = Int32Array.from({ length: 20 }, (_, i) => (i === 0 ? 1 : 0));
    const model = {
      task: 'binary' as const,
      yTrue,
      classes: 2,
      probabilities: Float64Array.from({ length: 40 }, (_, i) => (i % 2 ? 0.3 : 0.7)),
    };
    const score = (rows: Int32Array) => computeMetric('roc_auc', selectRows(model, rows));
    const result = pairedBootstrap(20, score, score, { replicates: 100 });
    expect(result).toHaveProperty('undefined');
    expect((result as { undefined: string }).undefined).toMatch(
      /undefined in \d+ of 100 bootstrap resamples/,
    );
  });
});

describe('row scorers for resamples', () => {
  const models: [string, TaskPredictions][] = [
    ['multiclass', predictionsOf(classificationCase('penguins-species'))],
    ['float32', predictionsOf(classificationCase('penguins-species-float32'))],
    ['binary with ties', predictionsOf(classificationCase('penguins-sex-ties'))],
    ['labels only', predictionsOf(classificationCase('labels-only'))],
    ['regression', regressionOf(regressionCase('penguins-body-mass'))],
  ];

  it.each(models)('give exactly what computeMetric gives on the copied rows: %s', (_, model) => {
    const n = model.yTrue.length;
    const draws = [
      ...seededResamples(n, 20, 3),
      Int32Array.from([0, 0, 0]),
      Int32Array.from({ length: n }, (_, i) => i),
    ];
    for (const metric of METRICS) {
      const fast = rowScorer(metric, model);
      for (const rows of draws)
        expect(fast(rows), metric).toEqual(computeMetric(metric, selectRows(model, rows)));
    }
  });
});
