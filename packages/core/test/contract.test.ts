import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Contract,
  checkContract,
  type Dataset,
  formatViolation,
  inferContract,
  loadDataset,
  quoteLiteral,
  readContract,
  renderViolationsMarkdown,
  serializeContract,
  writeContract,
} from '../src/index.js';
import { dataset } from './datasets.js';
import { expectUserError, useDatabase, useTempDir } from './fixtures.js';

const db = useDatabase();
const tmp = useTempDir('contract');
let penguins: Dataset;
let contract: Contract;

beforeAll(async () => {
  penguins = await loadDataset(db(), { path: dataset('penguins.json') }, { table: 'penguins' });
  contract = await inferContract(db(), penguins);
});

/** A copy of penguins changed by one SELECT over the `penguins` table, read back like user data. */
async function drifted(name: string, select: string): Promise<Dataset> {
  const path = tmp.path(`${name}.parquet`);
  await db().run(`COPY (${select}) TO ${quoteLiteral(path)} (FORMAT parquet)`);
  return loadDataset(db(), { path }, { table: name });
}

const MASS = '"Body Mass (g)"';

describe('inferContract', () => {
  it('infers kinds, nullability, ranges, categories and a row floor from penguins', () => {
    const nullRate = 0.0559; // 2 of 344 rows null (0.58%) plus the 5% margin, rounded up
    expect(contract).toEqual({
      version: 1,
      rows: { min: 172 },
      columns: [
        {
          name: 'Species',
          kind: 'categorical',
          nullable: false,
          categories: ['Adelie', 'Chinstrap', 'Gentoo'],
        },
        {
          name: 'Island',
          kind: 'categorical',
          nullable: false,
          categories: ['Biscoe', 'Dream', 'Torgersen'],
        },
        {
          name: 'Beak Length (mm)',
          kind: 'numeric',
          nullable: true,
          max_null_rate: nullRate,
          min: 32.1,
          max: 59.6,
        },
        {
          name: 'Beak Depth (mm)',
          kind: 'numeric',
          nullable: true,
          max_null_rate: nullRate,
          min: 13.1,
          max: 21.5,
        },
        {
          name: 'Flipper Length (mm)',
          kind: 'numeric',
          nullable: true,
          max_null_rate: nullRate,
          min: 172,
          max: 231,
        },
        {
          name: 'Body Mass (g)',
          kind: 'numeric',
          nullable: true,
          max_null_rate: nullRate,
          min: 2700,
          max: 6300,
        },
        {
          name: 'Sex',
          kind: 'categorical',
          nullable: true,
          max_null_rate: 0.0791,
          categories: ['.', 'FEMALE', 'MALE'],
        },
      ],
    });
  });

  it('widens ranges, drops large category sets and scales the row floor on request', async () => {
    const wide = await inferContract(db(), penguins, {
      rangeTolerance: 0.1,
      maxCategories: 2,
      minRowsFraction: 0.9,
    });
    expect(wide.rows).toEqual({ min: 309 });
    const mass = wide.columns.find((c) => c.name === 'Body Mass (g)');
    expect([mass?.min, mass?.max]).toEqual([2340, 6660]); // BIGINT column: bounds rounded outward
    const beak = wide.columns.find((c) => c.name === 'Beak Length (mm)');
    expect(beak?.min).toBeCloseTo(29.35, 10);
    expect(beak?.max).toBeCloseTo(62.35, 10);
    expect(wide.columns.filter((c) => c.categories)).toEqual([]);
  });

  it('writes no range for a column whose reference holds NaN or inf', async () => {
    const path = await tmp.write('nan.tsv', 'a\tb\n1\tNaN\n2\t3\n');
    const ds = await loadDataset(db(), { path }, { table: 'nan' });
    expect((await inferContract(db(), ds)).columns).toEqual([
      { name: 'a', kind: 'numeric', nullable: false, min: 1, max: 2 },
      { name: 'b', kind: 'numeric', nullable: false },
    ]);
  });

  it('keeps an explicit key that the reference satisfies, and refuses one it breaks', async () => {
    const keyed = await drifted('keyed_ref', 'SELECT rowid + 1 AS id, * FROM penguins ORDER BY rowid');
    expect((await inferContract(db(), keyed, { key: ['id'] })).key).toEqual(['id']);
    await expectUserError(
      inferContract(db(), penguins, { key: ['Species', 'Island'] }),
      /^key \(Species, Island\) is not unique in .*penguins\.json: 339 rows repeat an earlier row's key, the first at row 2\.$/,
    );
    await expect(inferContract(db(), penguins, { key: ['id'] })).rejects.toThrow(
      /^key column 'id' is not in .*penguins\.json\. Columns: Species, Island, /,
    );
  });

  it('refuses reference data without rows', async () => {
    const path = await tmp.write('header-only.csv', 'a,b\n');
    const ds = await loadDataset(db(), { path }, { table: 'header_only' });
    await expect(inferContract(db(), ds)).rejects.toThrow(
      /header-only\.csv: no rows\. A contract needs reference data/,
    );
  });
});

describe('checkContract', () => {
  it('passes penguins against its own contract', async () => {
    const report = await checkContract(db(), penguins, contract);
    expect(report).toEqual({ ok: true, rows: 344, columns: 7, rules: 15, violations: [] });
    expect(renderViolationsMarkdown(report)).toBe('No violations: 344 rows pass 15 rules.\n');
  });

  it('names missing and extra columns of seattle-weather', async () => {
    const weather = await loadDataset(db(), { path: dataset('seattle-weather.csv') }, { table: 'weather' });
    const report = await checkContract(db(), weather, contract);
    expect(report.ok).toBe(false);
    expect(report.violations.map((v) => [v.rule, v.column, v.count, v.examples])).toEqual([
      ...contract.columns.map((c) => ['missing_column', c.name, 1461, []]),
      ...['date', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather'].map((c) => [
        'extra_column',
        c,
        1461,
        [],
      ]),
    ]);
    expect(report.violations[0]?.message).toBe('in the contract (categorical) but not in the data');
    expect(report.violations[7]?.message).toBe('in the data (datetime, DATE) but not in the contract');
  });

  it('finds unseen categories, one example per new value', async () => {
    const ds = await drifted(
      'new_island',
      `SELECT * REPLACE (CASE WHEN rowid IN (10, 20, 30) THEN 'Atlantis' WHEN rowid = 40 THEN 'Lemuria'
        ELSE Island END AS Island) FROM penguins ORDER BY rowid`,
    );
    const { violations } = await checkContract(db(), ds, contract);
    expect(violations).toEqual([
      {
        column: 'Island',
        rule: 'categories',
        message: '2 values not among the 3 allowed categories',
        count: 4,
        examples: [
          { row: 11, value: 'Atlantis' },
          { row: 41, value: 'Lemuria' },
        ],
      },
    ]);
    expect(formatViolation(violations[0] as never)).toBe(
      "Island: categories: 2 values not among the 3 allowed categories (4 rows, e.g. 'Atlantis' (row 11), 'Lemuria' (row 41))",
    );
  });

  it('counts values out of range, NaN and inf included', async () => {
    const ds = await drifted(
      'heavy',
      `SELECT * REPLACE (CASE rowid WHEN 5 THEN 9999 WHEN 6 THEN 100 WHEN 7 THEN 'NaN'::DOUBLE WHEN 8 THEN 'inf'::DOUBLE
        ELSE ${MASS} END AS ${MASS}) FROM penguins ORDER BY rowid`,
    );
    expect(ds.columns.find((c) => c.name === 'Body Mass (g)')?.type).toBe('DOUBLE');
    const { violations } = await checkContract(db(), ds, contract);
    expect(violations).toEqual([
      {
        column: 'Body Mass (g)',
        rule: 'range',
        message: 'values outside [2700, 6300] (2 of them NaN or ±inf, which no range admits)',
        count: 4,
        examples: [
          { row: 6, value: 9999 },
          { row: 7, value: 100 },
          { row: 8, value: 'NaN' },
          { row: 9, value: 'Infinity' },
        ],
      },
    ]);
  });

  it('counts nulls over the rate limit and in a column that is not nullable', async () => {
    const ds = await drifted(
      'nulls',
      `SELECT * REPLACE (CASE WHEN rowid < 100 THEN NULL ELSE Sex END AS Sex,
        CASE WHEN rowid IN (1, 2) THEN NULL ELSE Species END AS Species) FROM penguins ORDER BY rowid`,
    );
    const { violations } = await checkContract(db(), ds, contract);
    expect(violations).toEqual([
      {
        column: 'Species',
        rule: 'not_null',
        message: 'nulls in a column the contract says is not nullable',
        count: 2,
        examples: [
          { row: 2, value: null },
          { row: 3, value: null },
        ],
      },
      {
        column: 'Sex',
        rule: 'null_rate',
        message: 'null rate 30.2% is over the limit 7.9%', // 100 nulled + 4 nulls after row 100
        count: 104,
        examples: [1, 2, 3, 4, 5].map((row) => ({ row, value: null })),
      },
    ]);
    expect(violations.map(formatViolation)[0]).toBe(
      'Species: not_null: nulls in a column the contract says is not nullable (2 rows, e.g. rows 2, 3)',
    );
  });

  it('finds rows that repeat a key, for one column and for several', async () => {
    const keyed = await drifted('keyed', 'SELECT rowid + 1 AS id, * FROM penguins ORDER BY rowid');
    const keyContract = await inferContract(db(), keyed, { key: ['id'] });
    const ds = await drifted(
      'dupes',
      `SELECT * EXCLUDE (ord) FROM (
        SELECT *, id AS ord FROM keyed
        UNION ALL SELECT *, 344 + id AS ord FROM keyed WHERE id IN (5, 9)
        UNION ALL SELECT *, 400 AS ord FROM keyed WHERE id = 9) ORDER BY ord`,
    );
    const { violations } = await checkContract(db(), ds, keyContract);
    expect(violations).toEqual([
      {
        rule: 'unique_key',
        message: "rows repeat an earlier row's key (id)",
        count: 3,
        examples: [
          { row: 345, value: 5 },
          { row: 346, value: 9 },
          { row: 347, value: 9 },
        ],
      },
    ]);
    const pair = await checkContract(db(), ds, { ...keyContract, key: ['id', 'Sex'] });
    expect(pair.violations.map((v) => [v.rule, v.count, v.examples.map((e) => e.value)])).toEqual([
      [
        'unique_key',
        3,
        [
          ['5', 'FEMALE'],
          ['9', null],
          ['9', null],
        ],
      ],
    ]);
  });

  it('reports too few rows', async () => {
    const ds = await drifted('few', 'SELECT * FROM penguins WHERE rowid < 100 ORDER BY rowid');
    const report = await checkContract(db(), ds, contract);
    expect(report.violations).toEqual([
      { rule: 'row_count', message: '100 rows, expected at least 172', count: 100, examples: [] },
    ]);
    expect(formatViolation(report.violations[0] as never)).toBe('row_count: 100 rows, expected at least 172');
  });

  it('reports a numeric column read as strings, unparsable values first', async () => {
    const ds = await drifted(
      'mass_text',
      `SELECT * REPLACE (CASE WHEN rowid = 5 THEN 'heavy' ELSE CAST(${MASS} AS VARCHAR) END AS ${MASS})
        FROM penguins ORDER BY rowid`,
    );
    const { violations } = await checkContract(db(), ds, contract);
    expect(violations).toEqual([
      {
        column: 'Body Mass (g)',
        rule: 'kind',
        message: 'expected numeric, found categorical (VARCHAR); 1 value does not parse as numeric',
        count: 342,
        examples: [
          { row: 6, value: 'heavy' },
          { row: 1, value: '3750' },
          { row: 2, value: '3800' },
          { row: 3, value: '3250' },
          { row: 5, value: '3450' },
        ],
      },
    ]);
  });

  it('reports a categorical column read as numbers, and treats integer and double as one kind', async () => {
    const ds = await drifted(
      'kinds',
      `SELECT * REPLACE (length(Island) AS Island, CAST("Flipper Length (mm)" AS DOUBLE) AS "Flipper Length (mm)")
        FROM penguins ORDER BY rowid`,
    );
    const { violations } = await checkContract(db(), ds, contract);
    expect(violations.map((v) => [v.column, v.rule, v.message, v.count, v.examples.length])).toEqual([
      ['Island', 'kind', 'expected categorical, found numeric (BIGINT)', 344, 5],
    ]);
    expect(violations[0]?.examples[0]).toEqual({ row: 1, value: 9 });
  });

  it('renders violations as a Markdown table', async () => {
    const ds = await drifted('few_md', 'SELECT * FROM penguins WHERE rowid < 100 ORDER BY rowid');
    const report = await checkContract(db(), ds, contract);
    expect(renderViolationsMarkdown(report)).toBe(
      [
        '| column | rule | rows | message | examples |',
        '|---|---|---:|---|---|',
        '|  | row_count |  | 100 rows, expected at least 172 |  |',
        '',
      ].join('\n'),
    );
  });
});

describe('contract files', () => {
  it('round-trips through writeContract and readContract, with a stable key order', async () => {
    const path = tmp.path('contract.json');
    await writeContract(path, contract);
    expect(await readContract(path)).toEqual(contract);
    const text = await readFile(path, 'utf8');
    expect(text).toBe(serializeContract(contract));
    expect(text.startsWith('{\n  "version": 1,\n  "rows": {\n    "min": 172\n  },\n  "columns": [\n')).toBe(
      true,
    );
    const shuffled = JSON.parse(text, (_, v) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    ) as Contract;
    expect(serializeContract(shuffled)).toBe(text);
  });

  const valid = { version: 1, rows: { min: 1 }, columns: [{ name: 'a', kind: 'numeric', nullable: false }] };

  it.each([
    ['bad-json.json', '{"version": 1,', /^bad-json\.json: invalid JSON: /],
    ['array.json', '[]', /^array\.json: expected a JSON object with version, rows and columns\.$/],
    [
      'v2.json',
      { ...valid, version: 2 },
      /^v2\.json: version: unsupported version 2\. Supported contract versions: 1\.$/,
    ],
    ['noversion.json', { rows: valid.rows, columns: [] }, /^noversion\.json: version: missing\. Supported/],
    [
      'kind.json',
      { ...valid, columns: [{ name: 'a', kind: 'number', nullable: false }] },
      /^kind\.json: columns\[0\]\.kind: Invalid option: expected one of "numeric"\|/,
    ],
    [
      'typo.json',
      { ...valid, columns: [{ name: 'a', kind: 'numeric', nullable: true, maxnull: 0.1 }] },
      /^typo\.json: columns\[0\]\.maxnull: unknown field\.$/,
    ],
    [
      'range.json',
      { ...valid, columns: [{ name: 'a', kind: 'categorical', nullable: false, min: 1 }] },
      /^range\.json: columns\[0\]\.min: only allowed on a numeric column\.$/,
    ],
    ['key.json', { ...valid, key: ['b'] }, /^key\.json: key\[0\]: 'b' is not one of the columns\.$/],
    ['rows.json', { ...valid, rows: { min: -1 } }, /^rows\.json: rows\.min: expected a count >= 0\.$/],
  ])('refuses %s with one line naming the field', async (name, content, expected) => {
    const path = await tmp.write(name, typeof content === 'string' ? content : JSON.stringify(content));
    const message = await expectUserError(readContract(path));
    expect(message.replace(`${tmp.dir}/`, '')).toMatch(expected);
  });

  it('names a missing contract file and how to write one', async () => {
    await expect(readContract(tmp.path('none.json'))).rejects.toThrow(
      /none\.json: no such contract file\. Write one with 'modelgate validate --data <reference> --write-schema /,
    );
  });
});
