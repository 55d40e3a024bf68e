import { describe, expect, it } from 'vitest';
import { fingerprintFiles, loadDataset, readColumns } from '../src/index.js';
import { dataset } from './datasets.js';
import { expectUserError, useDatabase, useTempDir } from './fixtures.js';

const db = useDatabase();
const tmp = useTempDir('load');

describe('loadDataset', () => {
  it('reads penguins JSON with its kinds and nulls', async () => {
    const ds = await loadDataset(db(), { path: dataset('penguins.json') });
    expect(ds.rowCount).toBe(344);
    expect(ds.format).toBe('json');
    const kinds = Object.fromEntries(ds.columns.map((c) => [c.name, c.kind]));
    expect(kinds).toEqual({
      Species: 'categorical',
      Island: 'categorical',
      'Beak Length (mm)': 'numeric',
      'Beak Depth (mm)': 'numeric',
      'Flipper Length (mm)': 'numeric',
      'Body Mass (g)': 'numeric',
      Sex: 'categorical',
    });
  });

  it('reads seattle-weather CSV with a date column', async () => {
    const ds = await loadDataset(db(), { path: dataset('seattle-weather.csv') });
    expect(ds.rowCount).toBe(1461);
    expect(ds.columns.find((c) => c.name === 'date')?.kind).toBe('datetime');
    expect(ds.columns.find((c) => c.name === 'weather')?.kind).toBe('categorical');
  });

  it('reads TIME and DATE columns as epoch milliseconds', async () => {
    const ds = await loadDataset(db(), {
      path: await tmp.write('times.csv', 't,d\n12:30:00,2024-03-01\n00:00:01,1969-12-31\n'),
    });
    expect(ds.columns.map((c) => [c.name, c.type, c.kind])).toEqual([
      ['t', 'TIME', 'datetime'],
      ['d', 'DATE', 'datetime'],
    ]);
    const [t, d] = await readColumns(db(), ds.table, ds.columns, ds.rowCount);
    expect(t && 'values' in t ? [...t.values] : []).toEqual([45_000_000, 1000]);
    expect(d && 'values' in d ? [...d.values] : []).toEqual([Date.UTC(2024, 2, 1), -86_400_000]);
    expect(d && 'valid' in d ? [...d.valid] : []).toEqual([1, 1]);
  });

  it("keeps a CSV column's own words when DuckDB would read them as booleans (yes/no), and true/false as booleans", async () => {
    const ds = await loadDataset(db(), {
      path: await tmp.write('words.csv', 'answer,flag,short\nyes,true,T\nno,FALSE,f\nyes,false,t\n'),
    });
    expect(ds.columns.map((c) => [c.name, c.type, c.kind])).toEqual([
      ['answer', 'VARCHAR', 'categorical'],
      ['flag', 'BOOLEAN', 'boolean'],
      ['short', 'VARCHAR', 'categorical'],
    ]);
    const rows = await db().rows<{ answer: string; short: string }>(
      `SELECT answer, short FROM ${ds.table} ORDER BY rowid`,
    );
    expect(rows.map((r) => [r.answer, r.short])).toEqual([
      ['yes', 'T'],
      ['no', 'f'],
      ['yes', 't'],
    ]);
  });

  it('reads a glob of JSON files as one data set', async () => {
    const ds = await loadDataset(db(), { path: dataset('flights-[25]k.json') });
    expect(ds.files).toHaveLength(2);
    expect(ds.rowCount).toBe(7000);
  });

  it('reads TSV and JSONL by extension, and keeps NaN, inf and null apart', async () => {
    const tsv = await loadDataset(db(), {
      path: await tmp.write('x.tsv', 'a\tb\n1\tNaN\n2\tinf\n3\t-inf\n4\t\n5\t2.5\n'),
    });
    const [b] = await readColumns(db(), tsv.table, tsv.columns.slice(1), tsv.rowCount);
    expect(b && 'values' in b ? [...b.values] : []).toEqual([Number.NaN, Infinity, -Infinity, 0, 2.5]);
    expect(b && 'valid' in b ? [...b.valid] : []).toEqual([1, 1, 1, 0, 1]);
    const jsonl = await loadDataset(db(), {
      path: await tmp.write('x.jsonl', '{"a":1,"s":"x"}\n{"a":2,"s":null}\n'),
    });
    const [, s] = await readColumns(db(), jsonl.table, jsonl.columns, jsonl.rowCount);
    expect(s && 'codes' in s ? [[...s.codes], s.dictionary] : []).toEqual([[0, -1], ['x']]);
  });

  it.each([
    ['quote.csv', 'a,b\n1,"x\n2,y\n', /quote\.csv: malformed CSV: Quote Not Closed/],
    [
      'ragged.csv',
      'a,b\n1,2,3\n4,5\n',
      /ragged\.csv: malformed CSV: Invalid Record Length: expect 2, got 3 on line 2/,
    ],
    [
      'latin1.csv',
      Buffer.from('a,b\n1,caf\xe9\n', 'latin1'),
      /latin1\.csv: not UTF-8 \(Latin-1 or Windows-1252\?\) at byte 9\./,
    ],
    ['empty.csv', '', /empty\.csv: file is empty/],
    ['blank.csv', '\n\n1,2\n', /blank\.csv: the first line is blank\. Expected a header row/],
    ['data.xlsx', 'x', /data\.xlsx: unknown data file extension '\.xlsx'/],
    ['bad.parquet', 'not parquet', /bad\.parquet: cannot read as PARQUET: .*too small to be a Parquet file/],
    ['bad.json', '{"a":1,\n', /bad\.json: cannot read as JSON: Malformed JSON/],
  ])('refuses %s with one clear line', async (name, content, expected) => {
    const path = await tmp.write(name, content);
    const message = await expectUserError(loadDataset(db(), { path }), expected);
    expect(message).not.toContain('\n');
  });

  it('names a missing file and an empty glob', async () => {
    await expect(loadDataset(db(), { path: tmp.path('nope.csv') })).rejects.toThrow(
      /nope\.csv: no such file/,
    );
    await expect(loadDataset(db(), { path: tmp.path('none-*.csv') })).rejects.toThrow(/no files match/);
  });
});

describe('fingerprintFiles', () => {
  it('hashes file bytes like sha256sum', async () => {
    const path = await tmp.write('fp.csv', 'a\n1\n');
    const fp = await fingerprintFiles([path], { rows: 1, columns: 1 });
    expect(fp.sha256).toBe('309b0e45a73d3fc5325e2b6ed0a01ef8b9cde6b05a5633c1f893f970d52bfddc');
    expect(fp.files[0]?.sha256).toBe(fp.sha256);
    expect(fp.files[0]?.bytes).toBe(4);
  });
});
