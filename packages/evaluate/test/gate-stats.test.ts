import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { computeMetric, selectRows } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import {
  compareMetrics,
  MAX_REFINEMENT,
  normalQuantile,
  pairedBootstrap,
  pairedDeLong,
  powerAnalysis,
  seededResamples,
  sharedPairedBootstrap,
  tangoInterval,
  tangoNonInferior,
  tangoStatistic,
  tangoVariance,
} from '../src/index.js';
import { classificationCase, expectClose, predictionsOf } from './reference.js';

interface GateReference {
  normal: { p: number; z: number }[];
  tango: {
    challenger_only: number;
    champion_only: number;
    rows: number;
    level: number;
    low: number;
    high: number;
    statistics: { delta: number; p21: number; statistic: number | null; variance: number }[];
    decisions: { margin: number; non_inferior: boolean }[];
  }[];
  delong: {
    name: string;
    y: number[];
    challenger: number[];
    champion: number[];
    auc_challenger: number;
    auc_champion: number;
    variance: number;
  }[];
  power: {
    standard_error: number;
    margin: number;
    rows: number;
    level: number;
    mde: number;
    equal_pass_probability: number;
    rows_needed: number | null;
  }[];
}

const reference = JSON.parse(
  readFileSync(fileURLToPath(new URL('./fixtures/gate.json', import.meta.url)), 'utf8'),
) as GateReference;

describe('the normal quantile agrees with scipy.stats.norm.ppf', () => {
  it.each(reference.normal.map((c) => [c.p, c] as const))('p = %d', (_, c) => {
    expectClose(normalQuantile(c.p), c.z, `ppf(${c.p})`);
  });
});

describe("Tango's score interval for paired accuracies (Python reference, published example)", () => {
  const cases = reference.tango.map(
    (c) => [`b=${c.challenger_only} c=${c.champion_only} n=${c.rows}`, c] as const,
  );

  it.each(cases)('%s: bounds, statistics and variances', (_, c) => {
    const counts = { challengerOnly: c.challenger_only, championOnly: c.champion_only, rows: c.rows };
    const interval = tangoInterval(counts, c.level);
    expectClose(interval.low, c.low, 'low');
    expectClose(interval.high, c.high, 'high');
    for (const s of c.statistics) {
      expectClose(tangoVariance(counts, s.delta), s.variance, `variance at ${s.delta}`);
      if (s.statistic !== null) expectClose(tangoStatistic(counts, s.delta), s.statistic, `T(${s.delta})`);
    }
    for (const d of c.decisions) {
      expect(tangoNonInferior(counts, d.margin, c.level), `margin ${d.margin}`).toBe(d.non_inferior);
    }
  });

  it('reproduces the published Cavo et al. (2012) example: -0.0621 (95% CI -0.1240 to -0.0054)', () => {
    const { low, high } = tangoInterval({ challengerOnly: 6, championOnly: 16, rows: 161 }, 0.95);
    expect([low.toFixed(4), high.toFixed(4)]).toEqual(['-0.1240', '-0.0054']);
  });

  it('decides non-inferiority exactly as its lower bound does, margin by margin', () => {
    for (const [b, c, n] of [
      [9, 12, 200],
      [3, 3, 200],
      [40, 52, 1000],
    ] as const) {
      const counts = { challengerOnly: b, championOnly: c, rows: n };
      const { low } = tangoInterval(counts, 0.95);
      for (let k = 0; k <= 100; k++) {
        const margin = k / 1000;
        if (Math.abs(low + margin) < 1e-9) continue;
        expect(tangoNonInferior(counts, margin, 0.95), `${b}/${c}/${n} at ${margin}`).toBe(low > -margin);
      }
    }
  });
});

describe("DeLong's paired ROC AUC comparison (definition in numpy, AUCs from scikit-learn)", () => {
  it.each(reference.delong.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const result = pairedDeLong(
      Uint8Array.from(c.y),
      Float64Array.from(c.challenger),
      Float64Array.from(c.champion),
    );
    if ('undefined' in result) throw new Error(result.undefined);
    expectClose(result.challenger, c.auc_challenger, 'AUC challenger');
    expectClose(result.champion, c.auc_champion, 'AUC champion');
    expectClose(result.variance, c.variance, 'variance');
  });

  it('needs two rows of each class', () => {
    expect(pairedDeLong(Uint8Array.from([1, 0, 0]), new Float64Array(3), new Float64Array(3))).toEqual({
      undefined: "DeLong's variance needs 2 positive and 2 negative rows; there are 1 and 2",
    });
  });
});

describe('power of non-inferiority (scipy reference)', () => {
  it.each(reference.power.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const power = powerAnalysis(c.standard_error, c.margin, c.rows, c.level);
    expectClose(power.mde, c.mde, 'mde');
    expectClose(power.equalPassProbability, c.equal_pass_probability, 'P(pass | equal)');
    expect(power.rowsNeeded).toBe(c.rows_needed);
    expect(power.enough).toBe(c.rows_needed === null);
  });
});

describe('bootstraps share their resamples and refine near a boundary', () => {
  const challenger = predictionsOf(classificationCase('penguins-species'));
  const champion = predictionsOf(classificationCase('penguins-species-champion'));
  const n = challenger.yTrue.length;
  const scorer = (metric: 'log_loss' | 'brier', model: typeof challenger) => (rows: Int32Array) =>
    computeMetric(metric, selectRows(model, rows));
  const target = (metric: 'log_loss' | 'brier') => ({
    challenger: scorer(metric, challenger),
    champion: scorer(metric, champion),
  });

  it('scores every metric on the same seeded draws as a bootstrap of each alone', () => {
    const shared = sharedPairedBootstrap(
      n,
      { log_loss: target('log_loss'), brier: target('brier') },
      {
        replicates: 150,
        seed: 9,
      },
    );
    const draws = [...seededResamples(n, 150, 9)];
    for (const metric of ['log_loss', 'brier'] as const) {
      const alone = pairedBootstrap(n, target(metric).challenger, target(metric).champion, {
        resamples: draws,
      });
      expect(shared[metric]).toEqual({ ...alone, seed: 9 });
    }
  });

  it('draws more resamples, from the same stream, while a bound is within its Monte Carlo error of the margin', () => {
    const plain = pairedBootstrap(n, target('log_loss').challenger, target('log_loss').champion, {
      replicates: 200,
    });
    if ('undefined' in plain) throw new Error(plain.undefined);
    const near = pairedBootstrap(n, target('log_loss').challenger, target('log_loss').champion, {
      replicates: 200,
      boundary: { side: 'high', value: plain.high },
    });
    const far = pairedBootstrap(n, target('log_loss').challenger, target('log_loss').champion, {
      replicates: 200,
      boundary: { side: 'high', value: plain.high + 1 },
    });
    if ('undefined' in near || 'undefined' in far) throw new Error('undefined');
    // Far from the boundary: the same 200 resamples, its Monte Carlo error taken at the upper bound.
    expect({ ...far, monteCarloError: 0 }).toEqual({ ...plain, monteCarloError: 0 });
    expect(near.replicates).toBeGreaterThan(200);
    expect(near.replicates).toBeLessThanOrEqual(200 * MAX_REFINEMENT);
    expect(near.monteCarloError).toBeLessThan(far.monteCarloError);
    const again = pairedBootstrap(n, target('log_loss').challenger, target('log_loss').champion, {
      resamples: [...seededResamples(n, near.replicates, 42)],
      boundary: { side: 'high', value: plain.high },
    });
    expect(again).toMatchObject({ low: near.low, high: near.high, used: near.used });
  });

  it('gives accuracy a Tango interval, a binary ROC AUC a DeLong interval, the rest bootstraps', () => {
    const binary = predictionsOf(classificationCase('penguins-sex-ties'));
    const other = {
      ...binary,
      probabilities: Float64Array.from(binary.probabilities ?? [], (p, i) => (i % 2 ? p * 0.9 + 0.05 : 0)),
    };
    for (let i = 0; i < other.probabilities.length; i += 2)
      other.probabilities[i] = 1 - (other.probabilities[i + 1] as number);
    const methods = compareMetrics(['accuracy', 'roc_auc', 'log_loss'], binary, other, { replicates: 50 });
    expect(
      Object.values(methods).map((c) => ('method' in c.interval ? c.interval.method : c.interval.undefined)),
    ).toEqual(['tango-score', 'delong', 'paired-bootstrap']);
  });
});
