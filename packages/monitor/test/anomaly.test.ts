import { readFileSync } from 'node:fs';
import type { NumericColumn, NumericColumnProfile } from '@modelgate/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useDatabase } from '../../core/test/fixtures.js';
import {
  bandOf,
  binomialUpperTail,
  combinedShare,
  countOutliers,
  estimateOutliers,
  type OutlierRule,
  outlierElevation,
  outlierRules,
  outside,
} from '../src/index.js';
import { loadFile, type Slice, sliceOf } from './slices.js';

const db = useDatabase();

/** scipy.stats.binom.sf values (fixtures/make_binomial_fixtures.py). */
const binomialFixtures = JSON.parse(
  readFileSync(new URL('./fixtures/binomial-fixtures.json', import.meta.url), 'utf8'),
) as { binomialUpperTail: { k: number; n: number; p: number; sf: number }[] };

let y2012: Slice;
let y2015: Slice;
let rules: OutlierRule[];

beforeAll(async () => {
  const seattle = await loadFile(db(), 'seattle-weather.csv');
  y2012 = await sliceOf(db(), seattle, 'year(date) = 2012');
  y2015 = await sliceOf(db(), seattle, 'year(date) = 2015');
  rules = outlierRules(y2012.profile, Object.keys(y2012.profile.columns)).rules;
});

function values(slice: Slice, name: string): number[] {
  const column = slice.columns.find((c) => c.name === name) as NumericColumn;
  return Array.from(column.values).filter((_, i) => column.valid[i] === 1);
}

describe('outlier rules', () => {
  it('centre on the reference median and scale by its interquartile range (IQR / 1.349)', () => {
    expect(rules.map((r) => [r.column, r.scaleFrom])).toEqual([
      ['precipitation', 'iqr'],
      ['temp_max', 'iqr'],
      ['temp_min', 'iqr'],
      ['wind', 'iqr'],
    ]);
    const q = (y2012.profile.columns.temp_max as NumericColumnProfile).stats.quantiles;
    const tempMax = rules[1] as OutlierRule;
    expect(tempMax.center).toBe(q?.p50);
    expect(tempMax.scale).toBeCloseTo(((q?.p75 ?? 0) - (q?.p25 ?? 0)) / 1.3489795, 12);
    expect(tempMax.upper - tempMax.center).toBeCloseTo(3.5 * tempMax.scale, 12);
  });

  it("reads the reference's share beyond the cut-offs from its sketch, close to the exact share", () => {
    for (const rule of rules) {
      const all = values(y2012, rule.column);
      const exact = all.filter((x) => x < rule.lower || x > rule.upper).length / all.length;
      expect(Math.abs(rule.referenceShare - exact), rule.column).toBeLessThan(0.01);
    }
    // Rain is mostly 0: the days above 3.5 robust σ of the median are common, and the reference says so.
    expect(rules[0]?.referenceShare).toBeGreaterThan(0.05);
  });

  it('skip columns without a scale: categories, few distinct values, one value across the percentiles', async () => {
    const source = await loadFile(db(), 'seattle-weather.csv');
    const shaped = await sliceOf(db(), source, 'year(date) = 2013');
    const { rules: none, skipped } = outlierRules(
      {
        ...shaped.profile,
        columns: {
          ...shaped.profile.columns,
          few: { ...(shaped.profile.columns.wind as NumericColumnProfile), distinct: 3, distinctExact: true },
        },
      },
      ['weather', 'date', 'few'],
    );
    expect(none).toEqual([]);
    expect(skipped).toEqual([{ column: 'few', reason: '3 distinct values: categories, not a scale' }]);
  });

  it('expects the rows with any outlier as if columns were independent', () => {
    expect(combinedShare([0.1, 0.2])).toBeCloseTo(1 - 0.9 * 0.8, 15);
    expect(combinedShare([])).toBe(0);
  });
});

describe('outlier counts', () => {
  it('count per chunk in one scan, exactly as counting the values', async () => {
    const sql = rules.map((r) => `"${r.column}"`);
    const counts = await countOutliers(db(), y2015.dataset.table, rules, sql, 'month(date)');
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const total = [...counts.values()].reduce((s, c) => s + c.rows, 0);
    expect(total).toBe(365);
    const columns = rules.map((r) => values(y2015, r.column));
    const exact = rules.map(
      (r, j) => (columns[j] as number[]).filter((x) => x < r.lower || x > r.upper).length,
    );
    const counted = rules.map((_, j) => [...counts.values()].reduce((s, c) => s + (c.columns[j] ?? 0), 0));
    expect(counted).toEqual(exact);
    const anyRows = (columns[0] as number[]).filter((_, i) =>
      rules.some((r, j) => {
        const x = (columns[j] as number[])[i] as number;
        return x < r.lower || x > r.upper;
      }),
    ).length;
    expect([...counts.values()].reduce((s, c) => s + c.outlierRows, 0)).toBe(anyRows);
  });

  it('estimate them from a profile, per column close to the exact counts', async () => {
    const estimate = estimateOutliers(y2015.profile, rules);
    expect(estimate.estimated).toBe(true);
    const sql = rules.map((r) => `"${r.column}"`);
    const exact = [...(await countOutliers(db(), y2015.dataset.table, rules, sql, '0')).values()][0];
    rules.forEach((_, j) => {
      expect(Math.abs((estimate.columns[j] ?? 0) - (exact?.columns[j] ?? 0))).toBeLessThan(0.01 * 365 + 1);
    });
  });
});

describe('elevated outlier rates', () => {
  it('take the binomial upper tail, as scipy.stats.binom.sf', () => {
    for (const { k, n, p, sf } of binomialFixtures.binomialUpperTail) {
      const got = binomialUpperTail(k, n, p);
      expect(Math.abs(got - sf), `P(X ≥ ${k}), n ${n}, p ${p}`).toBeLessThanOrEqual(
        1e-9 * Math.max(sf, 1e-300) + 1e-300,
      );
    }
  });

  it.each([
    [0.1, 1000, 200, 130],
    [0.5, 1000, 700, 550],
    [0.8, 1000, 900, 850],
    [0.52, 100, 100, 60],
  ])('fire at an expected rate of %s: twice the odds and p < 0.001', (rate, rows, fires, quiet) => {
    const alert = outlierElevation(fires, rows, rate, 10_000);
    expect(alert.oddsRatio).toBeGreaterThanOrEqual(2);
    expect(alert.pValue).toBeLessThan(0.001);
    expect(alert.elevated).toBe(true);
    expect(outlierElevation(quiet, rows, rate, 10_000).elevated).toBe(false);
  });

  it('need enough outliers, twice the expected odds, and p < 0.001', () => {
    expect(outlierElevation(30, 1000, 0.01, 10_000)).toMatchObject({ elevated: true });
    expect(outlierElevation(15, 1000, 0.01, 10_000).elevated).toBe(false);
    expect(outlierElevation(4, 10, 0, 10_000).elevated).toBe(false);
    // A reference share of 0 only says "below one in 366": the expectation is floored there.
    const floored = outlierElevation(6, 365, 0, 366);
    expect(floored.expected).toBeCloseTo(1 / 366, 15);
    expect(floored.elevated).toBe(true);
    expect(outlierElevation(5, 365, 0, 366).elevated).toBe(false);
  });
});

describe('anomaly bands', () => {
  it('are the baseline mean ± sigma sample standard deviations', () => {
    const band = bandOf([1, 2, 3, 4], 3);
    expect(band?.mean).toBe(2.5);
    expect(band?.std).toBeCloseTo(Math.sqrt(5 / 3), 15);
    expect(band?.upper).toBeCloseTo(2.5 + 3 * Math.sqrt(5 / 3), 15);
    expect(bandOf([1, 2])).toBeNull();
  });

  it('alert above the band, below it only for two-sided series, and not on rounding noise', () => {
    const band = bandOf([0.2, 0.2, 0.2]);
    if (!band) throw new Error('no band');
    expect(outside(0.2 + 1e-15, band, 'upper')).toBe(false);
    expect(outside(0.21, band, 'upper')).toBe(true);
    expect(outside(0.1, band, 'upper')).toBe(false);
    expect(outside(0.1, band, 'both')).toBe(true);
  });
});
