import type { ColumnData, ColumnProfile } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../../core/test/fixtures.js';
import type { Comparable } from '../src/drift/distribution.js';
import { distributionFromProfile } from '../src/drift/from-profile.js';
import { distributionFromSamples } from '../src/drift/from-samples.js';
import { type MethodOutcome, runMethod } from '../src/drift/run-method.js';
import { type DriftMethod, detectDrift, driftFromSamples } from '../src/index.js';
import { fixtures } from './drift-fixtures.js';
import { pairSlices, type Slice } from './slices.js';

const db = useDatabase();

type Measured =
  | 'ks'
  | 'ksP'
  | 'wasserstein'
  | 'chisquareP'
  | 'jensenshannon'
  | 'hellinger'
  | 'psi'
  | 'kl_div';

/**
 * The largest |sketch − exact| measured on each fixture pair over its numeric
 * columns (and 5, 10, 20 bins for the binned ones), rounded up: the table in
 * DRIFT.md. Categorical statistics come from exact counts and agree exactly.
 */
const DOCUMENTED: Record<string, Record<Measured, number>> = {
  'seattle-weather 2012 vs 2015': {
    ks: 0,
    ksP: 0,
    wasserstein: 0.004,
    chisquareP: 0,
    jensenshannon: 0,
    hellinger: 0,
    psi: 0,
    kl_div: 0,
  },
  'seattle-weather 2013 vs 2014': {
    ks: 0,
    ksP: 0,
    wasserstein: 0.0004,
    chisquareP: 0,
    jensenshannon: 0,
    hellinger: 0,
    psi: 0,
    kl_div: 0,
  },
  'penguins Biscoe vs Dream': {
    ks: 0.035,
    ksP: 0.006,
    wasserstein: 0.022,
    chisquareP: 1e-5,
    jensenshannon: 0.03,
    hellinger: 0.031,
    psi: 0.71,
    kl_div: 0.7,
  },
  'penguins Biscoe vs Torgersen': {
    ks: 0.021,
    ksP: 1e-14,
    wasserstein: 0.024,
    chisquareP: 1e-14,
    jensenshannon: 0.044,
    hellinger: 0.06,
    psi: 1.3,
    kl_div: 1.2,
  },
  'flights-200k before noon vs after': {
    ks: 0.0002,
    ksP: 1e-46,
    wasserstein: 0.0001,
    chisquareP: 1e-150,
    jensenshannon: 0.0001,
    hellinger: 0.0001,
    psi: 0.0001,
    kl_div: 0.0001,
  },
  'flights-200k even vs odd rows': {
    ks: 0.0004,
    ksP: 0.13,
    wasserstein: 0.0001,
    chisquareP: 0.19,
    jensenshannon: 0.0006,
    hellinger: 0.0006,
    psi: 0.0001,
    kl_div: 0.0001,
  },
  'flights-200k every 2000th row vs odd rows': {
    ks: 0.0002,
    ksP: 0,
    wasserstein: 0.0021,
    chisquareP: 1e-15,
    jensenshannon: 0.0096,
    hellinger: 0.0096,
    psi: 0.0041,
    kl_div: 0.002,
  },
};

function sides(reference: Slice, current: Slice, column: string) {
  const sample = (slice: Slice) =>
    distributionFromSamples(slice.columns.find((c) => c.name === column) as ColumnData) as Comparable;
  const profiled = (slice: Slice) =>
    distributionFromProfile(slice.profile.columns[column] as ColumnProfile, slice.profile.rows) as Comparable;
  return {
    exact: [sample(reference), sample(current)],
    sketch: [profiled(reference), profiled(current)],
  } as const;
}

function run(pair: readonly [Comparable, Comparable], method: DriftMethod, bins = 10): MethodOutcome {
  const outcome = runMethod(method, pair[0], pair[1], { bins, jensenShannonBase: undefined });
  if ('skip' in outcome) throw new Error(outcome.skip);
  return outcome;
}

describe.each(fixtures.pairs)('sketch statistics against exact ones: $name', (pair) => {
  it('stay within their computed bounds and the documented measured error', async () => {
    const { reference, current } = await pairSlices(db(), pair);
    const documented = DOCUMENTED[pair.name] as Record<Measured, number>;
    const worst: Record<Measured, number> = {
      ks: 0,
      ksP: 0,
      wasserstein: 0,
      chisquareP: 0,
      jensenshannon: 0,
      hellinger: 0,
      psi: 0,
      kl_div: 0,
    };
    for (const column of pair.numeric) {
      const { exact, sketch } = sides(reference, current, column);

      const ks = [run(exact, 'ks'), run(sketch, 'ks')] as const;
      const ksBound = ks[1].sketchError as number;
      // Read at bucket boundaries, the sketch statistic is a lower bound; the bound closes the gap.
      expect(ks[1].statistic, column).toBeLessThanOrEqual(ks[0].statistic + 1e-12);
      expect(ks[0].statistic, column).toBeLessThanOrEqual(ks[1].statistic + ksBound + 1e-12);
      worst.ks = Math.max(worst.ks, ks[0].statistic - ks[1].statistic);
      worst.ksP = Math.max(worst.ksP, Math.abs((ks[0].pValue as number) - (ks[1].pValue as number)));

      const w = [run(exact, 'wasserstein'), run(sketch, 'wasserstein')] as const;
      expect(Math.abs(w[0].statistic - w[1].statistic), column).toBeLessThanOrEqual(
        (w[1].sketchError as number) + 1e-12,
      );
      worst.wasserstein = Math.max(worst.wasserstein, Math.abs(w[0].statistic - w[1].statistic));

      for (const bins of [5, 10, 20]) {
        const chi = [run(exact, 'chisquare', bins), run(sketch, 'chisquare', bins)] as const;
        expect(chi[1].bins, `${column} ${bins} bins`).toBeLessThanOrEqual(bins);
        worst.chisquareP = Math.max(
          worst.chisquareP,
          Math.abs((chi[0].pValue as number) - (chi[1].pValue as number)),
        );
        for (const method of ['jensenshannon', 'hellinger', 'psi', 'kl_div'] as const) {
          const error = Math.abs(run(exact, method, bins).statistic - run(sketch, method, bins).statistic);
          worst[method] = Math.max(worst[method], error);
        }
      }
    }
    for (const [measure, error] of Object.entries(worst)) {
      expect(error, `${pair.name}: ${measure}`).toBeLessThanOrEqual(documented[measure as Measured] + 1e-12);
    }
  });

  it('agree exactly on categorical columns, which profiles count', async () => {
    const { reference, current } = await pairSlices(db(), pair);
    for (const column of pair.categorical) {
      const { exact, sketch } = sides(reference, current, column);
      for (const method of ['chisquare', 'jensenshannon', 'psi', 'kl_div', 'hellinger'] as const) {
        const [e, s] = [run(exact, method), run(sketch, method)];
        expect(s.statistic, `${column} ${method}`).toBeCloseTo(e.statistic, 12);
        expect(s.sketchError).toBeUndefined();
      }
    }
  });

  it('claims a bound of 0 only where the exact statistic is the same', async () => {
    const { reference, current } = await pairSlices(db(), pair);
    const columns = [...pair.numeric, ...pair.categorical];
    for (const method of ['chisquare', 'psi', 'jensenshannon', 'hellinger'] as const) {
      const options = { minRows: 1, columns, byKind: { numeric: { method }, categorical: { method } } };
      const sketch = detectDrift(reference.profile, current.profile, options).columns;
      const exact = driftFromSamples(reference.columns, current.columns, options).columns;
      sketch.forEach((s, i) => {
        if (s.sketchError !== 0 || s.statistic === null) return;
        expect(s.statistic, `${s.column} ${method}`).toBeCloseTo(exact[i]?.statistic as number, 9);
      });
    }
  });

  it('reports the bound with every sketch-based statistic', async () => {
    const { reference, current } = await pairSlices(db(), pair);
    const report = detectDrift(reference.profile, current.profile, { minRows: 1, columns: pair.numeric });
    for (const column of report.columns) {
      expect(column.source).toBe('profile');
      expect(column.method, column.column).toMatch(/^(ks|wasserstein|z|chisquare|jensenshannon)$/);
      if (column.method === 'ks' || column.method === 'wasserstein') {
        expect(column.sketchError, column.column).toBeGreaterThanOrEqual(0);
        expect(column.detail).toContain('sketch error ≤');
      }
    }
  });
});
