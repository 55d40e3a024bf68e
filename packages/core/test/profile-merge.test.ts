import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  type ColumnProfile,
  type DataProfile,
  loadDataset,
  mergeProfiles,
  type NumericColumnProfile,
  profileDataset,
  quantile,
  UserError,
} from '../src/index.js';
import { dataset } from './datasets.js';
import { useDatabase, useTempDir } from './fixtures.js';

const db = useDatabase();
const tmp = useTempDir('merge');

async function profileOf(path: string, source?: DataProfile['source']): Promise<DataProfile> {
  const ds = await loadDataset(db(), { path });
  return profileDataset(db(), ds, source ? { source } : {});
}

function numeric(profile: DataProfile, name: string): NumericColumnProfile {
  const c = profile.columns[name] as ColumnProfile;
  expect(c.kind).toBe('numeric');
  return c as NumericColumnProfile;
}

/** Everything that must merge exactly; moments up to rounding. */
function expectSameUpToRounding(merged: DataProfile, union: DataProfile): void {
  expect(merged.rows).toBe(union.rows);
  expect(Object.keys(merged.columns)).toEqual(Object.keys(union.columns));
  for (const [name, u] of Object.entries(union.columns)) {
    const m = merged.columns[name] as ColumnProfile;
    expect(m.kind, name).toBe(u.kind);
    expect([m.count, m.nulls], name).toEqual([u.count, u.nulls]);
    if (m.kind === 'categorical' && u.kind === 'categorical') {
      expect(m.categories, name).toEqual(u.categories);
      expect(m.other, name).toBe(u.other);
      expect(m.distinct, name).toBe(u.distinct);
    }
    if (m.kind === 'numeric' && u.kind === 'numeric') {
      expect([m.nan, m.posInf, m.negInf], name).toEqual([u.nan, u.posInf, u.negInf]);
      const [ms, us] = [m.stats, u.stats];
      expect([ms.count, ms.min, ms.max], name).toEqual([us.count, us.min, us.max]);
      expect(ms.mean as number, name).toBeCloseTo(us.mean as number, 9);
      expect(ms.m2 / us.m2, name).toBeCloseTo(1, 12);
      expect(ms.std as number, name).toBeCloseTo(us.std as number, 9);
      expect(ms.sketch, name).toEqual(us.sketch);
      expect(
        ms.histogram?.counts.reduce((s, n) => s + n, 0),
        name,
      ).toBe(us.count);
    }
    if (m.kind === 'text' && u.kind === 'text') {
      expect(m.length.count, name).toBe(u.length.count);
      expect(m.length.mean as number, name).toBeCloseTo(u.length.mean as number, 9);
    }
  }
}

describe('mergeProfiles', () => {
  it('profile(A) merged with profile(B) equals profile(A ∪ B)', async () => {
    const a = await profileOf(dataset('flights-2k.json'));
    const b = await profileOf(dataset('flights-5k.json'));
    const union = await profileOf(dataset('flights-[25]k.json'));
    const merged = mergeProfiles(a, b);
    expectSameUpToRounding(merged, union);

    const raw = [
      ...(JSON.parse(await readFile(dataset('flights-2k.json'), 'utf8')) as { delay: number }[]),
      ...(JSON.parse(await readFile(dataset('flights-5k.json'), 'utf8')) as { delay: number }[]),
    ];
    const delays = raw.map((r) => r.delay).sort((x, y) => x - y);
    const delay = numeric(merged, 'delay');
    for (const q of [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]) {
      // The sketch's guarantee: within 1% of the order statistic at rank q·(n - 1).
      const truth = delays[Math.floor(q * (delays.length - 1))] as number;
      const estimate = quantile(delay.stats.sketch, q) as number;
      expect(Math.abs(estimate - truth), `q=${q}`).toBeLessThanOrEqual(0.01 * Math.abs(truth));
    }
    expect(delay.stats.sketch.zeros).toBe(delays.filter((d) => d === 0).length);
    expect(delay.distinctExact).toBe(false);
    expect(delay.distinct).toBe(Math.max(numeric(a, 'delay').distinct, numeric(b, 'delay').distinct));
  });

  it('merges N profiles in any order to the same counts and sketches', async () => {
    const raw = JSON.parse(await readFile(dataset('flights-10k.json'), 'utf8')) as unknown[];
    const paths = [0, 1, 2].map((k) => tmp.path(`part-${k}.jsonl`)) as [string, string, string];
    for (const [k, path] of paths.entries()) {
      const rows = raw.filter((_, i) => i % 3 === k);
      await writeFile(path, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    }
    const [p0, p1, p2] = [await profileOf(paths[0]), await profileOf(paths[1]), await profileOf(paths[2])];
    const union = await profileOf(tmp.path('part-*.jsonl'));
    expect(union.rows).toBe(raw.length);
    expectSameUpToRounding(mergeProfiles(p0, p1, p2), union);
    expectSameUpToRounding(mergeProfiles(p2, p0, p1), union);
    expectSameUpToRounding(mergeProfiles(mergeProfiles(p0, p1), p2), union);
  });

  it('keeps NaN/inf counts and counts a column missing on one side as null there', async () => {
    const left = await tmp.write('left.csv', 'x,only_left\n1,a\nNaN,b\ninf,a\n');
    // DuckDB's sniffer reads a column that starts with -inf as text, so 4 comes first.
    const right = await tmp.write('right.csv', 'x\n4\n-inf\n\n');
    const merged = mergeProfiles(await profileOf(left), await profileOf(right));
    expect(merged.rows).toBe(6);
    expect(merged.columns.x).toMatchObject({ count: 5, nulls: 1, nan: 1, posInf: 1, negInf: 1 });
    expect(numeric(merged, 'x').stats).toMatchObject({ count: 2, mean: 2.5, min: 1, max: 4 });
    expect(merged.columns.only_left).toMatchObject({
      kind: 'categorical',
      count: 3,
      nulls: 3,
      categories: [
        ['a', 2],
        ['b', 1],
      ],
    });
  });

  it('drops createdAt and source, which describe one input', async () => {
    const ds = await loadDataset(db(), { path: dataset('penguins.json') });
    const stamped = await profileDataset(db(), ds, { createdAt: '2024-01-01T00:00:00Z' });
    const merged = mergeProfiles(stamped, stamped);
    expect(merged.createdAt).toBeUndefined();
    expect(merged.rows).toBe(688);
    expect(merged.columns.Species).toMatchObject({
      categories: [
        ['Adelie', 304],
        ['Gentoo', 248],
        ['Chinstrap', 136],
      ],
    });
  });

  it('merges a categorical column with one that became text as text', async () => {
    const few = await tmp.write('few.csv', `name\n${['ann', 'bob', 'ann'].join('\n')}\n`);
    const many = await tmp.write(
      'many.csv',
      `name\n${Array.from({ length: 60 }, (_, i) => `user ${i}`).join('\n')}\n`,
    );
    const [a, b] = [await profileOf(few), await profileOf(many)];
    expect([a.columns.name?.kind, b.columns.name?.kind]).toEqual(['categorical', 'text']);
    const merged = mergeProfiles(a, b).columns.name;
    expect(merged).toMatchObject({ kind: 'text', count: 63, distinct: 60, distinctExact: false });
    expect(merged?.kind === 'text' && merged.length).toMatchObject({ count: 63, min: 3, max: 7 });
  });

  it('refuses to merge a numeric column with a categorical one, naming the column', async () => {
    const nums = await tmp.write('nums.csv', 'v\n1\n2\n');
    const words = await tmp.write('words.csv', 'v\nx\ny\n');
    const [a, b] = [await profileOf(nums), await profileOf(words)];
    expect(() => mergeProfiles(a, b)).toThrow(UserError);
    expect(() => mergeProfiles(a, b)).toThrow(
      /column 'v': cannot merge a numeric profile with a categorical one/,
    );
  });
});
