import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

export interface BinnedFixture {
  reference: number[];
  current: number[];
  smoothed: boolean;
  chisquare: { statistic: number; pValue: number; dof: number };
  jensenshannon: number;
  jensenshannon_base2: number;
  psi: number;
  kl_div: number;
  hellinger: number;
}

export interface NumericFixture {
  n: [number, number];
  ks: { statistic: number; pValue: number; mode: 'exact' | 'asymp' };
  wasserstein: number;
  wasserstein_norm: number;
  binned: Record<string, BinnedFixture>;
}

export interface CategoricalFixture extends BinnedFixture {
  n: [number, number];
  categories: string[];
  z?: { statistic: number; pValue: number };
}

export type SliceFilter =
  | { by: 'year'; column: string; value: number }
  | { by: 'equals'; column: string; value: string }
  | { by: 'below' | 'atLeast'; column: string; value: number }
  | { by: 'rowMod'; mod: number; rest: number };

export interface PairFixture {
  name: string;
  file: string;
  reference: SliceFilter;
  current: SliceFilter;
  numeric: string[];
  categorical: string[];
  rows: [number, number];
  numericResults: Record<string, NumericFixture>;
  categoricalResults: Record<string, CategoricalFixture>;
}

export interface DriftFixtures {
  scipy: string;
  epsilon: number;
  pairs: PairFixture[];
  ks2samp: { n1: number; n2: number; shift: number; statistic: number; pValue: number; mode: string }[];
  kstwoSf: { n: number; x: number; sf: number }[];
  chi2Sf: { dof: number; x: number; sf: number }[];
  normSf: { z: number; sf: number }[];
}

/** What make_drift_fixtures.py computed with scipy; committed beside it. */
export const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/drift-fixtures.json', import.meta.url), 'utf8'),
) as DriftFixtures;

/** Agreement to `tolerance`, absolute below 1 and relative above (chi-squared statistics run into thousands). */
export function expectClose(
  actual: number | null | undefined,
  expected: number,
  tolerance = 1e-6,
  label = '',
): void {
  expect(actual, label).toBeTypeOf('number');
  const a = actual as number;
  if (!Number.isFinite(expected)) {
    expect(a, label).toBe(expected);
    return;
  }
  expect(Math.abs(a - expected), `${label}: ${a} vs ${expected}`).toBeLessThanOrEqual(
    tolerance * Math.max(1, Math.abs(expected)),
  );
}

/** The WHERE clause of a fixture slice, over the table loadDataset made (rowid = file order). */
export function sliceSql(filter: SliceFilter): string {
  const id = (name: string) => `"${name.replaceAll('"', '""')}"`;
  switch (filter.by) {
    case 'year':
      return `year(${id(filter.column)}) = ${filter.value}`;
    case 'equals':
      return `${id(filter.column)} = '${filter.value.replaceAll("'", "''")}'`;
    case 'below':
      return `${id(filter.column)} < ${filter.value}`;
    case 'atLeast':
      return `${id(filter.column)} >= ${filter.value}`;
    case 'rowMod':
      return `rowid % ${filter.mod} = ${filter.rest}`;
  }
}
