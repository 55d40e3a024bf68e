import { readFileSync } from 'node:fs';
import {
  type DataProfile,
  type Dataset,
  type DatetimeColumnProfile,
  loadDataset,
  profileDataset,
  quoteIdent,
  readColumns,
  toNumber,
} from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useDatabase } from '../../core/test/fixtures.js';
import {
  type ColumnDrift,
  type DriftOptions,
  detectDrift,
  driftFromSamples,
  monitorDataset,
} from '../src/index.js';

const db = useDatabase();

interface NumericExact {
  n: [number, number];
  ks: { statistic: number; pValue: number };
  wasserstein: number;
  wasserstein_norm: number;
}

interface BoundFixtures {
  flights: { chunks: { month: number; rows: number; columns: Record<string, NumericExact> }[] };
  seattle: { chunks: { year: number; rows: number; columns: Record<string, NumericExact> }[] };
}

/** What make_bound_fixtures.py computed with scipy on the whole months and years; committed beside it. */
const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/bound-fixtures.json', import.meta.url), 'utf8'),
) as BoundFixtures;

const METHODS = ['wasserstein', 'ks'] as const;

let views = 0;
async function sideOf(source: Dataset, where: string): Promise<Dataset> {
  const table = `side_${++views}`;
  await db().run(
    `CREATE VIEW ${quoteIdent(table)} AS SELECT rowid AS rowid, * FROM ${quoteIdent(source.table)} WHERE ${where}`,
  );
  const n = await db().first(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
  return { ...source, table, rowCount: toNumber(n.n) ?? 0 };
}

const loaded = new Map<string, Promise<Dataset>>();
function load(file: string): Promise<Dataset> {
  let ds = loaded.get(file);
  if (!ds) {
    ds = loadDataset(db(), { path: dataset(file) }, { table: file.replace(/\W/g, '_') });
    loaded.set(file, ds);
  }
  return ds;
}

const profiled = new Map<string, Promise<{ exact: DataProfile; sketch: DataProfile }>>();
/** Profiles of one side, made once: with exact values (the default) and with sketches only. */
function profiles(file: string, where: string): Promise<{ exact: DataProfile; sketch: DataProfile }> {
  const key = `${file} ${where}`;
  let both = profiled.get(key);
  if (!both) {
    both = load(file).then(async (source) => {
      const side = await sideOf(source, where);
      return {
        exact: await profileDataset(db(), side),
        sketch: await profileDataset(db(), side, { exactValues: 0 }),
      };
    });
    profiled.set(key, both);
  }
  return both;
}

function column(reference: DataProfile, current: DataProfile, name: string, method: string): ColumnDrift {
  const options: DriftOptions = { columns: [name], byColumn: { [name]: { method: method as 'ks' } } };
  const result = detectDrift(reference, current, options).columns[0] as ColumnDrift;
  expect(result.method).toBe(method);
  return result;
}

function exactOf(expected: NumericExact, method: (typeof METHODS)[number]): number {
  return method === 'ks' ? expected.ks.statistic : expected.wasserstein_norm;
}

type Pairs = { label: string; where: string; columns: Record<string, NumericExact> }[];

const FLIGHTS: Pairs = fixtures.flights.chunks.map((c) => ({
  label: `flights month ${c.month}`,
  where: `month(date) = ${c.month}`,
  columns: c.columns,
}));
const SEATTLE: Pairs = fixtures.seattle.chunks.map((c) => ({
  label: `seattle-weather ${c.year}`,
  where: `year(date) = ${c.year}`,
  columns: c.columns,
}));

interface Comparison {
  result: ColumnDrift;
  exact: number;
  expected: NumericExact;
  method: (typeof METHODS)[number];
  label: string;
}

/** Every chunk, column and method of `pairs` compared with the reference on one kind of profile. */
async function compareAll(
  file: string,
  reference: string,
  pairs: Pairs,
  kind: 'exact' | 'sketch',
): Promise<Comparison[]> {
  const ref = (await profiles(file, reference))[kind];
  const out: Comparison[] = [];
  for (const pair of pairs) {
    const cur = (await profiles(file, pair.where))[kind];
    for (const [name, expected] of Object.entries(pair.columns)) {
      for (const method of METHODS) {
        const result = column(ref, cur, name, method);
        const label = `${pair.label} ${name} ${method}`;
        out.push({ result, exact: exactOf(expected, method), expected, method, label });
      }
    }
  }
  return out;
}

describe.each([
  { file: 'flights-3m.parquet', reference: 'month(date) = 1', pairs: FLIGHTS },
  { file: 'seattle-weather.csv', reference: 'year(date) = 2012', pairs: SEATTLE },
])('drift bounds against scipy on $file', ({ file, reference, pairs }) => {
  it('computes exactly from the kept values: scipy’s statistics, a bound of 0', async () => {
    for (const { result, exact, expected, method, label } of await compareAll(
      file,
      reference,
      pairs,
      'exact',
    )) {
      expect(result.sketchError, label).toBe(0);
      expect(result.borderline, label).toBe(false);
      const error = Math.abs((result.statistic as number) - exact);
      expect(error, label).toBeLessThanOrEqual(1e-9 * Math.max(1, exact));
      // The acceptance bar: a bound no more than 20× the measured error (here both are ~0).
      expect(result.sketchError as number, label).toBeLessThanOrEqual(20 * error);
      if (method === 'ks') expect(result.pValue as number, label).toBeCloseTo(expected.ks.pValue, 9);
    }
  });

  it('brackets the exact statistic with the sketch bound when only sketches are kept', async () => {
    for (const { result, exact, method, label } of await compareAll(file, reference, pairs, 'sketch')) {
      const bound = result.sketchError as number;
      const statistic = result.statistic as number;
      expect(bound, label).toBeGreaterThan(0);
      if (method === 'ks') {
        // Read at bucket boundaries, the sketch KS statistic is never above the exact one.
        expect(statistic, label).toBeLessThanOrEqual(exact + 1e-12);
        expect(exact, label).toBeLessThanOrEqual(statistic + bound + 1e-12);
      } else {
        expect(Math.abs(statistic - exact), label).toBeLessThanOrEqual(bound + 1e-12);
      }
    }
  });
});

describe('chunk records on flights', () => {
  it('carry exact statistics and a bound of 0 for every month against January', async () => {
    const flights = await load('flights-3m.parquet');
    const january = await profileDataset(db(), await sideOf(flights, 'month(date) = 1'));
    const later = await sideOf(flights, 'month(date) BETWEEN 2 AND 6');
    const report = await monitorDataset(db(), january, later, {
      time: 'date',
      chunk: { by: 'time', unit: 'month' },
      drift: { byKind: { categorical: { method: 'jensenshannon' } } },
    });
    expect(report.chunks.map((c) => c.rows)).toEqual(fixtures.flights.chunks.map((c) => c.rows));
    report.chunks.forEach((chunk, i) => {
      const expected = fixtures.flights.chunks[i]?.columns as Record<string, NumericExact>;
      for (const c of chunk.drift.columns) {
        expect(c.sketchError, `${chunk.label} ${c.column}`).toBe(0);
        const exact = expected[c.column];
        if (exact && c.method === 'wasserstein') {
          expect(c.statistic as number, `${chunk.label} ${c.column}`).toBeCloseTo(exact.wasserstein_norm, 9);
        }
      }
    });
  });

  it('fall back to the sketch and its bound when the chunks keep no exact values (monitor.exact_values: 0)', async () => {
    const flights = await load('flights-3m.parquet');
    const january = await profileDataset(db(), await sideOf(flights, 'month(date) = 1'));
    const later = await sideOf(flights, 'month(date) BETWEEN 2 AND 3');
    const report = await monitorDataset(db(), january, later, {
      time: 'date',
      chunk: { by: 'time', unit: 'month' },
      exactValues: 0,
    });
    const numeric = report.chunks.flatMap((c) => c.drift.columns).filter((c) => c.method === 'wasserstein');
    expect(numeric.length).toBeGreaterThan(0);
    for (const c of numeric) expect(c.sketchError, c.column).toBeGreaterThan(0);
  });
});

describe('dates on the time grid', () => {
  it('bound Wasserstein and KS between January and February flights to a couple of minutes', async () => {
    const flights = await load('flights-3m.parquet');
    const date = flights.columns.filter((c) => c.name === 'date');
    const side = async (where: string) => {
      const view = await sideOf(flights, where);
      return {
        profile: (await profiles('flights-3m.parquet', where)).exact,
        samples: await readColumns(db(), view.table, date, view.rowCount),
      };
    };
    const january = await side('month(date) = 1');
    const february = await side('month(date) = 2');
    for (const method of METHODS) {
      const options: DriftOptions = { columns: ['date'], byColumn: { date: { method } } };
      const sketch = detectDrift(january.profile, february.profile, options).columns[0] as ColumnDrift;
      const exact = driftFromSamples(january.samples, february.samples, options).columns[0] as ColumnDrift;
      const [statistic, truth, bound] = [sketch.statistic, exact.statistic, sketch.sketchError] as number[];
      expect(Math.abs((statistic as number) - (truth as number)), method).toBeLessThanOrEqual(
        (bound as number) + 1e-12,
      );
      if (method === 'wasserstein') {
        // W/σ times the reference std is a distance in milliseconds: within two one-minute buckets.
        const reference = january.profile.columns.date as DatetimeColumnProfile;
        const std = Math.sqrt(reference.stats.m2 / reference.stats.count);
        expect((bound as number) * std).toBeLessThanOrEqual(2 * 60_000);
        expect(Math.abs((statistic as number) - (truth as number)) * std).toBeLessThanOrEqual(60_000);
      } else {
        expect(bound as number).toBeLessThan(0.01);
      }
    }
  });
});
