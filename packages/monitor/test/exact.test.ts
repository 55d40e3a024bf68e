import type { ColumnData } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../../core/test/fixtures.js';
import type { Comparable } from '../src/drift/distribution.js';
import { distributionFromSamples } from '../src/drift/from-samples.js';
import { type MethodOutcome, runMethod } from '../src/drift/run-method.js';
import { type ColumnDrift, type DriftMethod, type DriftOptions, driftFromSamples } from '../src/index.js';
import { type BinnedFixture, expectClose, fixtures } from './drift-fixtures.js';
import { pairSlices, type Slice } from './slices.js';

const db = useDatabase();

const BINNED: (DriftMethod & keyof BinnedFixture)[] = ['jensenshannon', 'psi', 'kl_div', 'hellinger'];

function resultOf(reference: Slice, current: Slice, column: string, options: DriftOptions): ColumnDrift {
  const report = driftFromSamples(reference.columns, current.columns, {
    minRows: 1,
    ...options,
    columns: [column],
  });
  const result = report.columns[0] as ColumnDrift;
  expect(result.source).toBe('samples');
  return result;
}

/** Both sides of a column once, for the many binned methods run on it below. */
function distributions(reference: Slice, current: Slice, column: string): [Comparable, Comparable] {
  const find = (slice: Slice) =>
    distributionFromSamples(slice.columns.find((c) => c.name === column) as ColumnData);
  return [find(reference), find(current)] as [Comparable, Comparable];
}

function run(sides: [Comparable, Comparable], method: DriftMethod, bins = 10, base?: number): MethodOutcome {
  const outcome = runMethod(method, sides[0], sides[1], { bins, jensenShannonBase: base });
  if ('skip' in outcome) throw new Error(outcome.skip);
  return outcome;
}

/** What a binned run reports, from runMethod() or from a report's column. */
interface BinnedResult {
  statistic: number | null;
  pValue?: number | undefined;
  bins?: number | undefined;
  smoothed?: boolean | undefined;
}

function expectBinned(
  result: BinnedResult,
  expected: BinnedFixture,
  method: DriftMethod,
  label: string,
): void {
  expect(result.bins, label).toBe(expected.reference.length);
  expect(result.smoothed, label).toBe(expected.smoothed);
  if (method === 'chisquare') {
    expectClose(result.statistic, expected.chisquare.statistic, 1e-6, `${label} chisquare statistic`);
    expectClose(result.pValue, expected.chisquare.pValue, 1e-6, `${label} chisquare p`);
  } else {
    expectClose(
      result.statistic,
      expected[method as keyof BinnedFixture] as number,
      1e-6,
      `${label} ${method}`,
    );
  }
}

describe.each(fixtures.pairs)('exact path against scipy: $name', (pair) => {
  it('matches ks_2samp, wasserstein_distance and the binned statistics on every numeric column', async () => {
    const { reference, current } = await pairSlices(db(), pair);
    expect([reference.dataset.rowCount, current.dataset.rowCount]).toEqual(pair.rows);
    for (const [column, expected] of Object.entries(pair.numericResults)) {
      const ks = resultOf(reference, current, column, { byColumn: { [column]: { method: 'ks' } } });
      expect([ks.reference.count, ks.current?.count], column).toEqual(expected.n);
      expectClose(ks.statistic, expected.ks.statistic, 1e-6, `${column} ks statistic`);
      expectClose(ks.pValue, expected.ks.pValue, 1e-6, `${column} ks p`);

      const w = resultOf(reference, current, column, { byColumn: { [column]: { method: 'wasserstein' } } });
      expectClose(w.statistic, expected.wasserstein_norm, 1e-6, `${column} wasserstein / std`);

      const psi = resultOf(reference, current, column, {
        byColumn: { [column]: { method: 'psi', bins: 5 } },
      });
      expect(psi.method).toBe('psi');
      expectBinned(psi, expected.binned['5'] as BinnedFixture, 'psi', `${column} report`);

      const sides = distributions(reference, current, column);
      for (const [bins, binned] of Object.entries(expected.binned)) {
        for (const method of ['chisquare', ...BINNED] as DriftMethod[]) {
          expectBinned(run(sides, method, Number(bins)), binned, method, `${column} ${bins} bins`);
        }
        const base2 = run(sides, 'jensenshannon', Number(bins), 2);
        expectClose(base2.statistic, binned.jensenshannon_base2, 1e-6, `${column} ${bins} bins JS base 2`);
      }
    }
  });

  it.skipIf(pair.categorical.length === 0)(
    'matches chisquare, jensenshannon and the z-test on every categorical column',
    async () => {
      const { reference, current } = await pairSlices(db(), pair);
      for (const [column, expected] of Object.entries(pair.categoricalResults)) {
        for (const method of ['chisquare', ...BINNED] as DriftMethod[]) {
          const result = resultOf(reference, current, column, { byKind: { categorical: { method } } });
          expect([result.reference.count, result.current?.count], column).toEqual(expected.n);
          expect(result.method, column).toBe(method);
          expectBinned(result, expected, method, column);
        }
        const z = resultOf(reference, current, column, { byColumn: { [column]: { method: 'z' } } });
        if (expected.z) {
          expectClose(z.statistic, expected.z.statistic, 1e-6, `${column} z`);
          expectClose(z.pValue, expected.z.pValue, 1e-6, `${column} z p`);
        } else {
          expect(z.status, column).toBe('skipped');
          expect(z.detail).toMatch(/z needs two categories/);
        }
      }
    },
  );
});
