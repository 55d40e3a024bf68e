import { describe, expect, it } from 'vitest';
import {
  assignSplits,
  type ColumnData,
  loadDataset,
  readColumns,
  SPLIT_CODE,
  type SplitSettings,
} from '../src/index.js';
import { apportion } from '../src/split/apportion.js';
import { createRng } from '../src/split/rng.js';
import { splitSizes } from '../src/split/sizes.js';
import { dataset } from './datasets.js';
import { expectUserError, useDatabase } from './fixtures.js';

const db = useDatabase();

const settings = (by: string, more: Partial<SplitSettings> = {}): SplitSettings => ({
  by,
  validation: 0.1,
  test: 0.2,
  seed: 42,
  ...more,
});

async function column(file: string, name: string): Promise<{ data: ColumnData; rows: number }> {
  const ds = await loadDataset(db(), { path: dataset(file) }, { table: 't' });
  const info = ds.columns.find((c) => c.name === name);
  if (!info) throw new Error(`no column ${name}`);
  const [data] = await readColumns(db(), ds.table, [info], ds.rowCount);
  if (!data) throw new Error('no data');
  return { data, rows: ds.rowCount };
}

function categorical(name: string, labels: (string | null)[]): ColumnData {
  const dictionary = [...new Set(labels.filter((l): l is string => l !== null))].sort();
  return {
    kind: 'categorical',
    name,
    dictionary,
    codes: Int32Array.from(labels, (l) => (l === null ? -1 : dictionary.indexOf(l))),
  };
}

function numeric(name: string, values: (number | null)[]): ColumnData {
  return {
    kind: 'numeric',
    name,
    values: Float64Array.from(values, (v) => v ?? 0),
    valid: Uint8Array.from(values, (v) => (v === null ? 0 : 1)),
  };
}

function splitCounts(assignment: Uint8Array): number[] {
  const counts = [0, 0, 0];
  for (const s of assignment) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

function rowsOf(assignment: Uint8Array, split: number): number[] {
  return [...assignment.keys()].filter((i) => assignment[i] === split);
}

describe('split sizes and apportionment', () => {
  it('cuts rows by largest remainder and sums exactly', () => {
    expect(splitSizes(10, [0.7, 0.1, 0.2])).toEqual([7, 1, 2]);
    expect(splitSizes(344, [0.7, 0.1, 0.2]).reduce((a, b) => a + b)).toBe(344);
    expect(splitSizes(3, [0.7, 0.1, 0.2])).toEqual([2, 0, 1]);
  });

  it('keeps class totals and split sizes, each cell within one row of its exact share', () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 300; trial++) {
      const classes = 1 + (trial % 9);
      const counts = Array.from({ length: classes }, (_, c) => 1 + ((trial * 7919 + c * 104729) % 60));
      const total = counts.reduce((a, b) => a + b);
      const sizes = splitSizes(total, [0.6, 0.15, 0.25]);
      const cells = apportion(counts, sizes, rng);
      cells.forEach((row, c) => {
        expect(row.reduce((a, b) => a + b)).toBe(counts[c]);
        row.forEach((n, s) => {
          expect(Math.abs(n - ((counts[c] ?? 0) * (sizes[s] ?? 0)) / total)).toBeLessThan(1);
        });
      });
      sizes.forEach((size, s) => {
        expect(cells.reduce((sum, row) => sum + (row[s] ?? 0), 0)).toBe(size);
      });
    }
  });
});

describe('assignSplits', () => {
  it('stratifies penguins: each class share per split within one row of proportional', async () => {
    const { data, rows } = await column('penguins.json', 'Species');
    const assignment = assignSplits({ rowCount: rows, column: data }, settings('stratified'));
    const sizes = splitCounts(assignment);
    expect(sizes).toEqual(splitSizes(rows, [0.7, 0.1, 0.2]));
    if (!('codes' in data)) throw new Error('expected a categorical target');
    data.dictionary.forEach((_, c) => {
      const inClass = [...data.codes.keys()].filter((i) => data.codes[i] === c);
      for (const s of [0, 1, 2]) {
        const got = inClass.filter((i) => assignment[i] === s).length;
        expect(Math.abs(got - (inClass.length * (sizes[s] ?? 0)) / rows)).toBeLessThan(1);
      }
    });
  });

  it('random: same seed gives the same assignment, another seed a different one', () => {
    const a = assignSplits({ rowCount: 1000 }, settings('random', { seed: 1 }));
    const b = assignSplits({ rowCount: 1000 }, settings('random', { seed: 1 }));
    const c = assignSplits({ rowCount: 1000 }, settings('random', { seed: 2 }));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(splitCounts(a)).toEqual([700, 100, 200]);
    expect(splitCounts(c)).toEqual([700, 100, 200]);
  });

  it('random keeps rows whatever their target; validation 0 leaves validation empty', () => {
    const a = assignSplits({ rowCount: 50 }, settings('random', { validation: 0 }));
    expect(splitCounts(a)).toEqual([40, 0, 10]);
  });

  it('splits seattle-weather by time: train before validation before test', async () => {
    const { data, rows } = await column('seattle-weather.csv', 'date');
    const assignment = assignSplits({ rowCount: rows, column: data }, settings('time:date'));
    if ('codes' in data) throw new Error('expected numeric dates');
    const times = (s: number) => rowsOf(assignment, s).map((i) => data.values[i] ?? 0);
    const [train, validation, test] = [times(0), times(1), times(2)];
    expect(Math.max(...train)).toBeLessThan(Math.min(...validation));
    expect(Math.max(...validation)).toBeLessThan(Math.min(...test));
    expect(splitCounts(assignment)).toEqual([1023, 146, 292]);
  });

  it('keeps equal times on one side of a cut', () => {
    const times = [1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6];
    const assignment = assignSplits(
      { rowCount: times.length, column: numeric('t', times) },
      settings('time:t', { validation: 0.25, test: 0.25 }),
    );
    const splitOfTime = new Map<number, Set<number>>();
    times.forEach((t, i) => {
      splitOfTime.set(t, (splitOfTime.get(t) ?? new Set()).add(assignment[i] ?? -1));
    });
    for (const splits of splitOfTime.values()) expect(splits.size).toBe(1);
    expect(new Set(assignment).size).toBe(3);
  });

  it('splits flights by group: no origin in two splits, shares near the fractions', async () => {
    const { data, rows } = await column('flights-20k.json', 'origin');
    const assignment = assignSplits({ rowCount: rows, column: data }, settings('group:origin'));
    if (!('codes' in data)) throw new Error('expected a categorical group');
    const splitsOf = new Map<number, Set<number>>();
    data.codes.forEach((g, i) => {
      splitsOf.set(g, (splitsOf.get(g) ?? new Set()).add(assignment[i] ?? -1));
    });
    for (const splits of splitsOf.values()) expect(splits.size).toBe(1);
    const [train, validation, test] = splitCounts(assignment).map((n) => n / rows);
    expect(train).toBeGreaterThan(0.6);
    expect(validation).toBeGreaterThan(0.05);
    expect(test).toBeGreaterThan(0.15);
    const other = assignSplits({ rowCount: rows, column: data }, settings('group:origin', { seed: 43 }));
    expect(other).not.toEqual(assignment);
  });
});

describe('assignSplits refuses bad input', () => {
  const rows = 20;
  const classes = categorical(
    'y',
    Array.from({ length: rows }, (_, i) => (i < 18 ? 'common' : 'rare')),
  );

  it.each([
    [{ validation: 1.2 }, /--validation 1\.2: expected a fraction in \[0, 1\)/],
    [{ test: -0.1 }, /--test -0\.1: expected a fraction/],
    [{ validation: 0.5, test: 0.5 }, /sum to 1: they must sum to less than 1/],
    [{ seed: 1.5 }, /--seed 1\.5: expected an integer/],
    [{ seed: 2 ** 40 }, /--seed \d+: expected an integer from -2147483648 to 2147483647/],
  ])('settings %o', async (more, message) => {
    await expectUserError(() => assignSplits({ rowCount: rows }, settings('random', more)), message);
  });

  it('an unknown strategy', async () => {
    await expectUserError(
      () => assignSplits({ rowCount: rows }, settings('sorted')),
      /--by sorted: unknown split strategy/,
    );
  });

  it('zero rows', async () => {
    await expectUserError(() => assignSplits({ rowCount: 0 }, settings('random')), /no rows to split/);
  });

  it('a split that would be empty', async () => {
    await expectUserError(
      () => assignSplits({ rowCount: 3 }, settings('random')),
      /3 rows cannot be split into train 0\.7, validation 0\.1, test 0\.2: the validation split would be empty\. Add rows, or pass --validation 0\./,
    );
  });

  it('a class with fewer rows than splits', async () => {
    await expectUserError(
      () => assignSplits({ rowCount: rows, column: classes }, settings('stratified')),
      /class 'rare' of target 'y' has 2 rows, fewer than the 3 splits .* use --by random/,
    );
    const twoSplits = assignSplits(
      { rowCount: rows, column: classes },
      settings('stratified', { validation: 0 }),
    );
    expect(splitCounts(twoSplits)).toEqual([16, 0, 4]);
  });

  it('null targets in a stratified split', async () => {
    const labels = Array.from({ length: rows }, (_, i) => (i === 3 || i === 9 ? null : 'a'));
    await expectUserError(
      () => assignSplits({ rowCount: rows, column: categorical('y', labels) }, settings('stratified')),
      /target 'y' is null in 2 rows \(rows 4, 10\)/,
    );
  });

  it('null or text times', async () => {
    const times = Array.from({ length: rows }, (_, i) => (i === 0 ? null : i));
    await expectUserError(
      () => assignSplits({ rowCount: rows, column: numeric('t', times) }, settings('time:t')),
      /time column 't' is null in 1 row \(row 1\)/,
    );
    await expectUserError(
      () => assignSplits({ rowCount: rows, column: classes }, settings('time:y')),
      /time column 'y' holds text/,
    );
  });

  it('a time split whose cut cannot fall between times', async () => {
    const times = Array.from({ length: rows }, (_, i) => (i < 19 ? 1 : 2));
    await expectUserError(
      () => assignSplits({ rowCount: rows, column: numeric('t', times) }, settings('time:t')),
      /the (train|validation) split would be empty because rows sharing a time in 't' stay in one split/,
    );
  });

  it('null groups and too few groups', async () => {
    const groups = categorical(
      'g',
      Array.from({ length: rows }, (_, i) => (i === 5 ? null : `g${i % 4}`)),
    );
    await expectUserError(
      () => assignSplits({ rowCount: rows, column: groups }, settings('group:g')),
      /group column 'g' is null in 1 row \(row 6\)/,
    );
    const two = categorical(
      'g',
      Array.from({ length: rows }, (_, i) => (i < 10 ? 'a' : 'b')),
    );
    await expectUserError(
      () => assignSplits({ rowCount: rows, column: two }, settings('group:g')),
      /split would be empty without a group of 'g' in two splits \(2 groups, the largest with 10 rows\)/,
    );
  });

  it('keeps every row of a group together when the group is numeric', () => {
    const ids = numeric(
      'user',
      Array.from({ length: 200 }, (_, i) => i % 37),
    );
    const assignment = assignSplits({ rowCount: 200, column: ids }, settings('group:user'));
    const splitOf = new Map<number, number>();
    for (let i = 0; i < 200; i++) {
      const previous = splitOf.get(i % 37);
      if (previous !== undefined) expect(assignment[i]).toBe(previous);
      splitOf.set(i % 37, assignment[i] ?? -1);
    }
    expect(splitCounts(assignment).every((n) => n > 0)).toBe(true);
    expect(SPLIT_CODE).toEqual({ train: 0, validation: 1, test: 2 });
  });
});
