import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Dataset,
  loadDataset,
  quoteLiteral,
  SPLIT_MANIFEST_FILE,
  SPLIT_NAMES,
  type SplitDatasetOptions,
  type SplitManifest,
  splitDataset,
  toNumber,
} from '../src/index.js';
import { dataset } from './datasets.js';
import { expectUserError, useDatabase, useTempDir } from './fixtures.js';

const db = useDatabase();
const tmp = useTempDir('split');

let outs = 0;
const freshOut = () => tmp.path(`out-${++outs}`);

async function load(file: string): Promise<Dataset> {
  return loadDataset(db(), { path: file.startsWith('/') ? file : dataset(file) });
}

async function split(
  file: string,
  target: string,
  policy: Partial<SplitDatasetOptions['policy']> = {},
  out = freshOut(),
): Promise<{ manifest: SplitManifest; out: string }> {
  const ds = await load(file);
  const manifest = await splitDataset(db(), ds, {
    target,
    policy: { validation: 0.1, test: 0.2, seed: 42, ...policy },
    out,
  });
  return { manifest, out };
}

async function parquetRows(path: string, select = '*', rest = ''): Promise<Record<string, unknown>[]> {
  return db().jsonRows(`SELECT ${select} FROM read_parquet(${quoteLiteral(path)}) ${rest}`);
}

describe('splitDataset', () => {
  it('writes stratified penguins splits with a manifest that describes them', async () => {
    const { manifest, out } = await split('penguins.json', 'Species');
    expect((await readdir(out)).sort()).toEqual([
      'splits.json',
      'test.parquet',
      'train.parquet',
      'validation.parquet',
    ]);
    expect(JSON.parse(await readFile(join(out, SPLIT_MANIFEST_FILE), 'utf8'))).toEqual(manifest);
    expect(manifest.policy).toEqual({ by: 'stratified', validation: 0.1, test: 0.2, seed: 42 });
    expect(manifest.task).toBe('multiclass');
    expect(manifest.source.rows).toBe(344);
    expect(manifest.source.files[0]?.sha256).toBe(
      createHash('sha256')
        .update(await readFile(dataset('penguins.json')))
        .digest('hex'),
    );
    let total = 0;
    for (const name of SPLIT_NAMES) {
      const report = manifest.splits[name];
      const path = join(out, report.file);
      const bytes = await readFile(path);
      expect(report.fingerprint).toEqual({
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.length,
      });
      const rows = await parquetRows(path, 'Species, count(*) AS n', 'GROUP BY Species ORDER BY Species');
      expect(Object.fromEntries(rows.map((r) => [r.Species, toNumber(r.n)]))).toEqual(report.classes);
      total += report.rows;
    }
    expect(total).toBe(344);
    expect(manifest.splits.train.classes).toEqual({ Adelie: 107, Chinstrap: 47, Gentoo: 87 });
  });

  it('keeps the source columns and file order in every split', async () => {
    const { out } = await split('penguins.json', 'Species');
    const source = await db().jsonRows(
      `SELECT * FROM read_json(${quoteLiteral(dataset('penguins.json'))}, format = 'auto')`,
    );
    const key = (r: Record<string, unknown>) => JSON.stringify(r);
    const position = new Map(source.map((r, i) => [key(r), i]));
    const seen: number[] = [];
    for (const name of SPLIT_NAMES) {
      const rows = await parquetRows(join(out, `${name}.parquet`));
      expect(Object.keys(rows[0] ?? {})).toEqual(Object.keys(source[0] ?? {}));
      const positions = rows.map((r) => position.get(key(r)) ?? -1);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      seen.push(...positions);
    }
    expect(new Set(seen).size).toBe(344);
  });

  it('gives byte-identical files for the same inputs and seed', async () => {
    for (const [file, target, by] of [
      ['penguins.json', 'Species', 'stratified'],
      ['flights-20k.json', 'delay', 'group:origin'],
    ] as const) {
      const first = await split(file, target, { by });
      const second = await split(file, target, { by });
      for (const name of await readdir(first.out)) {
        expect(await readFile(join(second.out, name))).toEqual(await readFile(join(first.out, name)));
      }
      const reseeded = await split(file, target, { by, seed: 7 });
      expect(reseeded.manifest.splits.test.fingerprint).not.toEqual(first.manifest.splits.test.fingerprint);
    }
  });

  it('splits seattle-weather by time with the ranges in the manifest', async () => {
    const { manifest, out } = await split('seattle-weather.csv', 'weather', { by: 'time:date' });
    const range = async (name: string) =>
      (await parquetRows(join(out, `${name}.parquet`), 'min(date) AS lo, max(date) AS hi'))[0] ?? {};
    const [train, validation, test] = [await range('train'), await range('validation'), await range('test')];
    expect(String(train.hi) < String(validation.lo)).toBe(true);
    expect(String(validation.hi) < String(test.lo)).toBe(true);
    expect(manifest.splits.train.timeRange).toEqual({ min: train.lo, max: train.hi });
    expect(manifest.splits.test.timeRange).toEqual({ min: '2015-03-15', max: '2015-12-31' });
    expect(manifest.splits.validation.classes).toBeDefined();
  });

  it('splits flights by origin with no origin in two files', async () => {
    const { manifest, out } = await split('flights-20k.json', 'delay', { by: 'group:origin' });
    const origins = new Map<string, string>();
    for (const name of SPLIT_NAMES) {
      const rows = await parquetRows(join(out, `${name}.parquet`), 'DISTINCT origin');
      expect(rows).toHaveLength(manifest.splits[name].groups ?? -1);
      for (const { origin } of rows) {
        expect(origins.get(String(origin))).toBeUndefined();
        origins.set(String(origin), name);
      }
    }
    expect(manifest.task).toBe('regression');
    expect(manifest.splits.train.target?.mean).toBeTypeOf('number');
  });

  it('defaults to random for a numeric target and keeps rows with a null target', async () => {
    const { manifest } = await split('penguins.json', 'Body Mass (g)');
    expect(manifest.policy.by).toBe('random');
    expect(manifest.task).toBe('regression');
    expect(SPLIT_NAMES.reduce((n, s) => n + manifest.splits[s].nullTargets, 0)).toBe(2);
    expect(SPLIT_NAMES.reduce((n, s) => n + manifest.splits[s].rows, 0)).toBe(344);
    const { min, max } = manifest.splits.train.target ?? { min: 0, max: 0 };
    expect(min).toBeGreaterThanOrEqual(2700);
    expect(max).toBeLessThanOrEqual(6300);
  });

  it('honours a given task: a numeric 0/1 target split stratified', async () => {
    const file = await tmp.write(
      'binary.csv',
      `x,y\n${Array.from({ length: 40 }, (_, i) => `${i},${i % 4 === 0 ? 1 : 0}`).join('\n')}\n`,
    );
    const ds = await load(file);
    const manifest = await splitDataset(db(), ds, {
      target: 'y',
      task: 'binary',
      policy: { validation: 0.1, test: 0.2, seed: 1 },
      out: freshOut(),
    });
    expect(manifest.policy.by).toBe('stratified');
    expect(manifest.splits.test.classes).toEqual({ '0': 6, '1': 2 });
  });
});

describe('splitDataset refuses bad input and leaves --out untouched', () => {
  it.each([
    [
      'penguins.json',
      'Specie',
      {},
      /target 'Specie' is not a column of .*penguins\.json\. Columns: Species, Island, /,
    ],
    [
      'penguins.json',
      'Species',
      { by: 'time:when' },
      /time column 'when' is not a column .* Columns: Species/,
    ],
    ['penguins.json', 'Species', { by: 'group:who' }, /group column 'who' is not a column/],
    ['penguins.json', 'Species', { by: 'time:Island' }, /time column 'Island' is VARCHAR: expected a date/],
    ['penguins.json', 'Species', { by: 'shuffle' }, /--by shuffle: unknown split strategy/],
    ['penguins.json', 'Sex', {}, /target 'Sex' is null in \d+ rows \(rows 4, /],
    ['penguins.json', 'Species', { test: 1 }, /--test 1: expected a fraction in \[0, 1\)/],
    ['penguins.json', 'Species', { validation: 0.4, test: 0.6 }, /must sum to less than 1/],
  ])('%s target %s %o', async (file, target, policy, message) => {
    const out = freshOut();
    await expectUserError(split(file, target, policy, out), message);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('keeps what an existing --out holds when a split fails', async () => {
    const out = freshOut();
    const first = await split('penguins.json', 'Species', {}, out);
    await writeFile(join(out, 'notes.txt'), 'mine');
    const before = await readFile(join(out, SPLIT_MANIFEST_FILE));
    await expectUserError(
      split('penguins.json', 'Species', { by: 'group:Island' }, out),
      /validation split would be empty/,
    );
    expect(await readFile(join(out, SPLIT_MANIFEST_FILE))).toEqual(before);
    expect((await readdir(out)).sort()).toEqual([
      'notes.txt',
      'splits.json',
      'test.parquet',
      'train.parquet',
      'validation.parquet',
    ]);
    expect((await readdir(tmp.dir)).filter((name) => name.includes('.tmp-'))).toEqual([]);
    const second = await split('penguins.json', 'Species', { seed: 5 }, out);
    expect(second.manifest.splits.train.fingerprint).not.toEqual(first.manifest.splits.train.fingerprint);
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('zero rows', async () => {
    const file = await tmp.write('header-only.csv', 'a,b\n');
    const ds = await load(file);
    expect(ds.rowCount).toBe(0);
    await expectUserError(
      splitDataset(db(), ds, {
        target: 'b',
        policy: { validation: 0.1, test: 0.2, seed: 1 },
        out: freshOut(),
      }),
      /header-only\.csv: no rows to split/,
    );
  });

  it('too few rows for every split', async () => {
    const file = await tmp.write('three.csv', 'a,b\n1,x\n2,y\n3,x\n');
    await expectUserError(
      split(file, 'a', { by: 'random' }),
      /3 rows cannot be split .* validation split would be empty/,
    );
  });
});
