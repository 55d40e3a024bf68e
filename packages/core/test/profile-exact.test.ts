import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ColumnProfile,
  type DataProfile,
  type Dataset,
  type DatetimeColumnProfile,
  loadDataset,
  mergeProfiles,
  type NumericColumnProfile,
  PROFILE_QUANTILES,
  parseProfile,
  profileDataset,
  type QuantileName,
  quantile,
  quoteIdent,
  readProfile,
  stringifyProfile,
  toNumber,
} from '../src/index.js';
import { dataset } from './datasets.js';
import { useDatabase } from './fixtures.js';

const db = useDatabase();
const MINUTE = 60_000;

let flights: Promise<Dataset> | undefined;
/** flights-3m.parquet loaded once. */
function flights3m(): Promise<Dataset> {
  flights ??= loadDataset(db(), { path: dataset('flights-3m.parquet') }, { table: 'flights' });
  return flights;
}

let views = 0;
let january: Promise<void> | undefined;
/** January alone, as a table: a day's view then scans a sixth of the rows. */
async function januaryTable(): Promise<string> {
  await flights3m();
  january ??= db().run('CREATE TEMP TABLE january AS SELECT * FROM flights WHERE month(date) = 1');
  await january;
  return 'january';
}

/** The rows of flights-3m (or of `from`) matching `where`, as a view profileDataset reads. */
async function flightsWhere(where: string, from = 'flights'): Promise<Dataset> {
  const source = await flights3m();
  const table = `flights_${++views}`;
  await db().run(`CREATE VIEW ${quoteIdent(table)} AS SELECT * FROM ${from} WHERE ${where}`);
  const n = await db().first(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
  return { ...source, table, rowCount: toNumber(n.n) ?? 0 };
}

async function profileWhere(where: string, exactValues?: number, from?: string): Promise<DataProfile> {
  const view = await flightsWhere(where, from);
  return profileDataset(db(), view, exactValues === undefined ? {} : { exactValues });
}

/** DuckDB's exact quantile_cont of the dates, in epoch ms. */
async function exactDateQuantiles(where: string): Promise<Record<QuantileName, number>> {
  const entries = Object.entries(PROFILE_QUANTILES) as [QuantileName, number][];
  const select = entries.map(([name, q]) => `epoch_ms(quantile_cont(date, ${q})) AS ${name}`).join(', ');
  const row = await db().first(`SELECT ${select} FROM flights WHERE ${where}`);
  return Object.fromEntries(entries.map(([name]) => [name, toNumber(row[name]) ?? Number.NaN])) as Record<
    QuantileName,
    number
  >;
}

function datetime(profile: DataProfile, name = 'date'): DatetimeColumnProfile {
  const column = profile.columns[name] as ColumnProfile;
  expect(column.kind).toBe('datetime');
  return column as DatetimeColumnProfile;
}

function numeric(profile: DataProfile, name: string): NumericColumnProfile {
  const column = profile.columns[name] as ColumnProfile;
  expect(column.kind).toBe('numeric');
  return column as NumericColumnProfile;
}

function expectQuantilesWithin(profile: DataProfile, exact: Record<QuantileName, number>, ms: number): void {
  const quantiles = datetime(profile).stats.quantiles;
  for (const name of Object.keys(PROFILE_QUANTILES) as QuantileName[]) {
    const error = Math.abs((quantiles?.[name] as number) - exact[name]);
    expect(error, `${name}: ${new Date(quantiles?.[name] ?? 0).toISOString()}`).toBeLessThanOrEqual(ms);
  }
}

const JANUARY = 'month(date) = 1';

describe('datetimes on a time grid', () => {
  it("reads January 2001's date quantiles on flights to the minute (DuckDB's exact ones)", async () => {
    const january = await profileWhere(JANUARY);
    const date = datetime(january);
    expect(date.stats.sketch.width).toBe(MINUTE);
    expect(date.stats.values).toBeUndefined(); // 36 629 distinct minutes: more than EXACT_VALUES_MAX
    const exact = await exactDateQuantiles(JANUARY);
    expect(new Date(exact.p25).toISOString()).toBe('2001-01-08T18:40:00.000Z');
    // A one-minute bucket is read at its middle: within 30 s of any value in it.
    expectQuantilesWithin(january, exact, MINUTE / 2);
    expect(new Date(quantile(date.stats.sketch, 0.25) as number).toISOString()).toBe(
      '2001-01-08T18:40:30.000Z',
    );
  });

  it('merges daily profiles, each with its own extremes, into the month exactly', async () => {
    const from = await januaryTable();
    const days: DataProfile[] = [];
    for (let d = 1; d <= 31; d++) days.push(await profileWhere(`day(date) = ${d}`, undefined, from));
    expect(new Set(days.map((p) => datetime(p).stats.min)).size).toBe(31);
    const merged = mergeProfiles(days[30] as DataProfile, ...days.slice(0, 30).reverse());
    const whole = await profileWhere(JANUARY);
    expect(datetime(merged).stats.sketch).toEqual(datetime(whole).stats.sketch);
    expectQuantilesWithin(merged, await exactDateQuantiles(JANUARY), MINUTE / 2);
  });

  it('coarsens to the wider grid when a merge occupies more minutes than it holds, as one profile would', async () => {
    const january = await profileWhere(JANUARY);
    const later = await profileWhere('month(date) BETWEEN 2 AND 3');
    const all = await profileWhere('month(date) <= 3');
    // Two months occupy about 70 000 minutes, more than 65 536 buckets: two-minute ones; January fits at one.
    expect(datetime(later).stats.sketch.width).toBe(2 * MINUTE);
    expect(datetime(all).stats.sketch.width).toBe(2 * MINUTE);
    const merged = mergeProfiles(january, later);
    expect(datetime(merged).stats.sketch).toEqual(datetime(all).stats.sketch);
    expectQuantilesWithin(merged, await exactDateQuantiles('month(date) <= 3'), MINUTE);
  });
});

describe('exact values', () => {
  it('keeps every delay and distance with its count, and merges them into the whole exactly', async () => {
    const first = await profileWhere(`${JANUARY} AND day(date) <= 15`);
    const second = await profileWhere(`${JANUARY} AND day(date) > 15`);
    const whole = await profileWhere(JANUARY);
    expect(whole.exactValues).toBe(10_000);
    const rows = await db().rows<{ delay: number; n: bigint }>(
      `SELECT delay, count(*) AS n FROM flights WHERE ${JANUARY} GROUP BY delay ORDER BY delay`,
    );
    const counts = rows.map((r) => [Number(r.delay), Number(r.n)]);
    expect(numeric(whole, 'delay').stats.values).toEqual(counts);
    const merged = mergeProfiles(first, second);
    for (const name of ['delay', 'distance']) {
      expect(numeric(merged, name).stats.values, name).toEqual(numeric(whole, name).stats.values);
      expect(numeric(merged, name).stats.quantiles, name).toEqual(numeric(whole, name).stats.quantiles);
    }
    expect(numeric(merged, 'delay').stats.histogram).toEqual(numeric(whole, 'delay').stats.histogram);
  });

  it('keeps none beyond the limit, in a profile or in a merge', async () => {
    const from = await januaryTable();
    const small = await profileWhere('day(date) = 1', 600, from);
    const other = await profileWhere('day(date) = 2', 600, from);
    const delays = (p: DataProfile) => numeric(p, 'delay').stats.values?.length ?? 0;
    expect(delays(small)).toBeGreaterThan(0);
    expect(numeric(small, 'distance').stats.values).toBeUndefined(); // more than 600 distances that day
    const union = await db().first(
      `SELECT count(DISTINCT delay) AS n FROM flights WHERE ${JANUARY} AND day(date) <= 2`,
    );
    expect(mergeProfiles(small, other).columns.delay).toMatchObject({ kind: 'numeric' });
    const mergedDelays = delays(mergeProfiles(small, other));
    expect(mergedDelays).toBe((toNumber(union.n) ?? 0) <= 600 ? toNumber(union.n) : 0);
    // The smaller limit of the two wins.
    const strict = await profileWhere('day(date) = 2', 10, from);
    expect(mergeProfiles(small, strict).exactValues).toBe(10);
    expect(delays(mergeProfiles(small, strict))).toBe(0);
    expect(delays(await profileWhere('day(date) = 1', 0, from))).toBe(0);
  });
});

describe('version-1 profiles', () => {
  it('load as version 2 without exact values', async () => {
    const path = join(
      import.meta.dirname,
      '../../../registry/penguins-species/versions/v1/reference-profile.json',
    );
    const old = await readProfile(path);
    expect(old.version).toBe(2);
    expect(old.exactValues).toBe(0);
    const mass = numeric(old, 'Body Mass (g)');
    expect(mass.stats.values).toBeUndefined();
    expect(mass.stats.sketch.relativeAccuracy).toBe(0.01);
    expect(mergeProfiles(old, old).columns['Body Mass (g)']).toMatchObject({ count: 2 * mass.count });
  });

  it('re-grid their datetime sketches, which then merge with new profiles', async () => {
    const from = await januaryTable();
    const current = await profileWhere('day(date) = 2', undefined, from);
    // What version 1 wrote: log buckets of epoch ms at relative accuracy 1e-4 (about a day).
    const gamma = (1 + 1e-4) / (1 - 1e-4);
    const rows = await db().rows<{ k: number; n: bigint }>(
      `SELECT ceil(ln(epoch_ms(date)) / ${Math.log(gamma)}) AS k, count(*) AS n FROM january WHERE day(date) = 1 GROUP BY 1 ORDER BY 1`,
    );
    const fresh = datetime(await profileWhere('day(date) = 1', undefined, from));
    const { values: _v, ...stats } = fresh.stats;
    const v1 = {
      version: 1,
      rows: fresh.count,
      columns: {
        date: {
          ...fresh,
          stats: {
            ...stats,
            sketch: {
              relativeAccuracy: 1e-4,
              maxBins: 4096,
              zeros: 0,
              positive: rows.map((r) => [Number(r.k), Number(r.n)]),
              negative: [],
            },
          },
        },
      },
    };
    const old = parseProfile(JSON.stringify(v1), 'v1.json');
    const sketch = datetime(old).stats.sketch;
    expect(sketch.width).toBe(MINUTE);
    expect(sketch.positive.reduce((s, [, n]) => s + n, 0)).toBe(fresh.count);
    // Each old bucket lands whole on one minute: the day's values sit on at most a few such points.
    expect(sketch.positive.length).toBe(rows.length);
    const merged = mergeProfiles(old, current);
    expect(datetime(merged).count).toBe(fresh.count + datetime(current).count);
    expect(stringifyProfile(merged)).toContain('"version": 2');
  });
});
