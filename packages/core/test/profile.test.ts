import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  type ColumnProfile,
  type DataProfile,
  loadDataset,
  parseProfile,
  profileDataset,
  quantile,
  readProfile,
  stringifyProfile,
  UserError,
} from '../src/index.js';
import { dataset } from './datasets.js';
import { expectUserError, useDatabase, useTempDir } from './fixtures.js';

const db = useDatabase();
const tmp = useTempDir('profile');

async function profileOf(path: string): Promise<DataProfile> {
  return profileDataset(db(), await loadDataset(db(), { path }));
}

async function profileOfText(name: string, content: string): Promise<DataProfile> {
  return profileOf(await tmp.write(name, content));
}

function column<K extends ColumnProfile['kind']>(
  profile: DataProfile,
  name: string,
  kind: K,
): Extract<ColumnProfile, { kind: K }> {
  const c = profile.columns[name];
  expect(c?.kind).toBe(kind);
  return c as Extract<ColumnProfile, { kind: K }>;
}

/** Plain-JS statistics to check DuckDB's against. */
function describeNumbers(values: number[]) {
  const n = values.length;
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const m2 = values.reduce((s, x) => s + (x - mean) ** 2, 0);
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const pos = q * (n - 1);
    const lo = Math.floor(pos);
    return (
      (sorted[lo] as number) + (pos - lo) * ((sorted[Math.ceil(pos)] as number) - (sorted[lo] as number))
    );
  };
  return { n, mean, m2, std: Math.sqrt(m2 / (n - 1)), min: sorted[0], max: sorted[n - 1], at };
}

function countBy(values: unknown[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  return counts;
}

describe('profileDataset', () => {
  it('profiles penguins: nulls, categories and moments match plain JS over the raw JSON', async () => {
    const raw = JSON.parse(await readFile(dataset('penguins.json'), 'utf8')) as Record<string, unknown>[];
    const profile = await profileOf(dataset('penguins.json'));
    expect(profile.version).toBe(2);
    expect(profile.rows).toBe(raw.length);
    expect(Object.keys(profile.columns)).toEqual(Object.keys(raw[0] ?? {}));

    const sex = column(profile, 'Sex', 'categorical');
    const sexValues = raw.map((r) => r.Sex);
    expect(sex.nulls).toBe(sexValues.filter((v) => v === null).length);
    expect(sex.count + sex.nulls).toBe(raw.length);
    expect(new Map(sex.categories)).toEqual(countBy(sexValues));
    expect(sex.other).toBe(0);
    expect(sex.distinct).toBe(3);

    const species = column(profile, 'Species', 'categorical');
    expect(species.categories).toEqual([
      ['Adelie', 152],
      ['Gentoo', 124],
      ['Chinstrap', 68],
    ]);

    const mass = column(profile, 'Body Mass (g)', 'numeric');
    const masses = raw.map((r) => r['Body Mass (g)']).filter((v): v is number => typeof v === 'number');
    const expected = describeNumbers(masses);
    expect(mass.nulls).toBe(raw.length - masses.length);
    expect(mass.stats.count).toBe(expected.n);
    expect(mass.stats.mean).toBeCloseTo(expected.mean, 9);
    expect(mass.stats.m2).toBeCloseTo(expected.m2, 4);
    expect(mass.stats.std).toBeCloseTo(expected.std, 9);
    expect(mass.stats.min).toBe(expected.min);
    expect(mass.stats.max).toBe(expected.max);
    expect(mass.distinct).toBe(new Set(masses).size);
    expect(mass.distinctExact).toBe(true);
    // Few distinct values: quantiles are exact.
    expect(mass.stats.quantiles?.p50).toBeCloseTo(expected.at(0.5), 9);
    expect(mass.stats.quantiles?.p95).toBeCloseTo(expected.at(0.95), 9);
    expect(mass.stats.histogram?.counts.reduce((s, n) => s + n, 0)).toBe(masses.length);
    expect(mass.stats.histogram?.edges[0]).toBe(expected.min);
    expect(mass.stats.histogram?.edges[20]).toBe(expected.max);
    expect(mass.stats.sketch.positive.reduce((s, [, n]) => s + n, 0)).toBe(masses.length);
    const median = quantile(mass.stats.sketch, 0.5) as number;
    expect(Math.abs(median - expected.at(0.5)) / expected.at(0.5)).toBeLessThanOrEqual(0.01);
  });

  it('profiles seattle-weather dates as ISO extremes with stats on epoch milliseconds', async () => {
    const text = await readFile(dataset('seattle-weather.csv'), 'utf8');
    const [header = '', ...lines] = text.trim().split('\n');
    const cells = lines.map((l) => l.split(','));
    const col = (name: string) => header.split(',').indexOf(name);
    const profile = await profileOf(dataset('seattle-weather.csv'));

    const date = column(profile, 'date', 'datetime');
    expect(date.type).toBe('DATE');
    expect(date.min).toBe('2012-01-01');
    expect(date.max).toBe('2015-12-31');
    expect(date.stats.min).toBe(Date.UTC(2012, 0, 1));
    expect(date.stats.max).toBe(Date.UTC(2015, 11, 31));
    const days = cells.map((c) => Date.parse(`${c[col('date')]}T00:00:00Z`));
    expect(date.stats.mean).toBeCloseTo(describeNumbers(days).mean, 3);
    expect(date.distinct).toBe(new Set(days).size);
    // Days on the one-minute time grid (1461 occupied buckets), and every distinct day kept exactly.
    expect(date.stats.sketch.width).toBe(60_000);
    expect(date.stats.sketch.positive).toHaveLength(new Set(days).size);
    expect(date.stats.values?.map(([ms]) => ms)).toEqual([...new Set(days)].sort((a, b) => a - b));

    const weather = column(profile, 'weather', 'categorical');
    expect(new Map(weather.categories)).toEqual(countBy(cells.map((c) => c[col('weather')])));

    const tempMax = column(profile, 'temp_max', 'numeric');
    const temps = describeNumbers(cells.map((c) => Number(c[col('temp_max')])));
    expect(tempMax.stats.mean).toBeCloseTo(temps.mean, 9);
    expect(tempMax.stats.min).toBe(temps.min);
    expect(tempMax.stats.sketch.negative.length).toBeGreaterThan(0);
  });

  it('keeps NaN, +inf, -inf and null apart and leaves them out of the moments', async () => {
    const profile = await profileOfText(
      'special.csv',
      'x,label\n1,a\nNaN,b\ninf,c\n-inf,d\n,e\n2.5,f\n3,g\n',
    );
    const x = column(profile, 'x', 'numeric');
    expect(x).toMatchObject({ count: 6, nulls: 1, nan: 1, posInf: 1, negInf: 1, distinct: 6 });
    expect(x.stats).toMatchObject({ count: 3, min: 1, max: 3 });
    expect(x.stats.mean).toBeCloseTo(6.5 / 3, 12);
    expect(x.stats.std).toBeCloseTo(
      Math.sqrt(((1 - 6.5 / 3) ** 2 + (2.5 - 6.5 / 3) ** 2 + (3 - 6.5 / 3) ** 2) / 2),
      12,
    );
    expect(x.stats.quantiles?.p50).toBe(2.5);
    expect(x.stats.histogram?.counts.reduce((s, n) => s + n, 0)).toBe(3);
  });

  it('profiles booleans by counts and free text by length and distinct', async () => {
    const rows = Array.from({ length: 80 }, (_, i) =>
      JSON.stringify({ ok: i % 4 === 0 ? null : i % 3 === 0, name: `person number ${i}`, empty: null }),
    );
    const profile = await profileOfText('mixed.jsonl', `${rows.join('\n')}\n`);
    const ok = column(profile, 'ok', 'boolean');
    const oks = Array.from({ length: 80 }, (_, i) => (i % 4 === 0 ? null : i % 3 === 0));
    expect(ok).toMatchObject({
      nulls: 20,
      true: oks.filter((v) => v === true).length,
      false: oks.filter((v) => v === false).length,
      distinct: 2,
    });
    const name = column(profile, 'name', 'text');
    const lengths = describeNumbers(Array.from({ length: 80 }, (_, i) => `person number ${i}`.length));
    expect(name.distinct).toBe(80);
    expect(name.length).toMatchObject({ count: 80, min: lengths.min, max: lengths.max });
    expect(name.length.mean).toBeCloseTo(lengths.mean, 12);
    expect(profile.columns.empty).toMatchObject({ count: 0, nulls: 80 });
  });

  it('groups many distinct values into sketch buckets whose quantiles stay within 1%', async () => {
    const values = Array.from({ length: 30_000 }, (_, i) => ((i * 7919) % 30_011) / 7 - 1000);
    const profile = await profileOfText('wide.csv', `v\n${values.join('\n')}\n`);
    const v = column(profile, 'v', 'numeric');
    expect(v.distinct).toBe(new Set(values).size);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.01, 0.25, 0.5, 0.75, 0.99]) {
      const truth = sorted[Math.floor(q * (sorted.length - 1))] as number;
      const estimate = quantile(v.stats.sketch, q) as number;
      expect(Math.abs(estimate - truth)).toBeLessThanOrEqual(0.01 * Math.abs(truth) + 1e-9);
    }
    expect(v.stats.sketch.negative.length).toBeGreaterThan(0);
    expect(v.stats.quantiles?.p50).toBeCloseTo(quantile(v.stats.sketch, 0.5) as number, 12);
  });

  it('gives byte-identical JSON for the same input, stamping only what it is given', async () => {
    const first = stringifyProfile(await profileOf(dataset('seattle-weather.csv')));
    const second = stringifyProfile(await profileOf(dataset('seattle-weather.csv')));
    expect(second).toBe(first);
    expect(first).not.toContain('createdAt');
    expect(parseProfile(first)).toEqual(JSON.parse(first));
    const ds = await loadDataset(db(), { path: dataset('penguins.json') });
    const stamped = await profileDataset(db(), ds, { createdAt: '2024-05-01T00:00:00Z' });
    expect(stamped.createdAt).toBe('2024-05-01T00:00:00Z');
  });

  it('reports progress from 0 to 1 across its queries', async () => {
    const ds = await loadDataset(db(), { path: dataset('penguins.json') });
    const seen: number[] = [];
    await profileDataset(db(), ds, { onProgress: (f) => seen.push(f) });
    expect(seen.every((f) => f >= 0 && f <= 1)).toBe(true);
  });

  it('profiles a header-only file as zero rows', async () => {
    const profile = await profileOfText('header.csv', 'a,b\n');
    expect(profile.rows).toBe(0);
    for (const c of Object.values(profile.columns)) expect(c).toMatchObject({ count: 0, nulls: 0 });
  });

  it('refuses a profile of another version with a clear message', () => {
    expect(() => parseProfile('{"version":3,"rows":1,"columns":{}}', 'new.json')).toThrow(UserError);
    expect(() => parseProfile('{"version":3,"rows":1,"columns":{}}', 'new.json')).toThrow(
      /^new\.json: profile version 3 is not supported\. Expected version 1 or 2\.$/,
    );
    expect(() => parseProfile('nope', 'x.json')).toThrow(/^x\.json: invalid JSON: /);
  });

  it('reads a profile file, and names a missing or malformed one the way contracts are named', async () => {
    const path = await tmp.write('header.json', stringifyProfile(await profileOfText('h.csv', 'a\n1\n')));
    expect((await readProfile(path)).rows).toBe(1);
    await expectUserError(readProfile(tmp.path('none.json')), /none\.json: no such profile file\.$/);
    const bad = await tmp.write('bad.json', '{"version":');
    await expectUserError(readProfile(bad), /bad\.json: invalid JSON: /);
  });
});
