import { loadDataset, profileDataset, toNumber } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { expectUserError, useDatabase, useTempDir } from '../../core/test/fixtures.js';
import {
  alignColumns,
  formatChunkSpec,
  parseChunkSpec,
  periodEnd,
  periodLabel,
  planChunks,
  profileChunks,
  truncateMs,
} from '../src/index.js';
import { loadFile, sliceOf } from './slices.js';

const db = useDatabase();
const tmp = useTempDir('monitor-chunks');

/** A CSV loaded as `table`, its `at` column, and a plan of it in chunks of a period (a row is enough). */
async function timeChunks(name: string, csv: string, table: string) {
  const ds = await loadDataset(db(), { path: await tmp.write(name, csv) }, { table });
  const time = ds.columns.find((c) => c.name === 'at');
  const plan = (period: string) =>
    planChunks(db(), ds.table, parseChunkSpec(period), { time, rowCount: ds.rowCount, minRows: 1 });
  return { time, plan };
}

describe('chunk specs', () => {
  it('reads periods, row counts, file and all', () => {
    expect(parseChunkSpec('day')).toEqual({ by: 'time', unit: 'day' });
    expect(parseChunkSpec('rows:250')).toEqual({ by: 'rows', size: 250 });
    expect(parseChunkSpec('file')).toEqual({ by: 'file' });
    expect(formatChunkSpec(parseChunkSpec('rows:250'))).toBe('rows:250');
  });

  it.each(['daily', 'rows:0', 'rows:-3', 'rows:1.5', 'rows:', ''])('refuses %j', async (text) => {
    await expectUserError(
      () => parseChunkSpec(text),
      /^--chunk '.*': expected hour, day, week, month, rows:<N>/,
    );
  });

  it("truncates to periods exactly as DuckDB's date_trunc does, weeks from Monday", async () => {
    const instants = [
      '2001-01-01 00:00:00',
      '2012-02-29 23:59:59.999',
      '2015-03-08 02:30:00',
      '2016-01-03 12:00:00',
      '1969-12-31 23:00:00',
    ];
    for (const unit of ['hour', 'day', 'week', 'month'] as const) {
      for (const instant of instants) {
        const row = await db().first(
          `SELECT epoch_ms(TIMESTAMP '${instant}') AS t, epoch_ms(date_trunc('${unit}', TIMESTAMP '${instant}')) AS p`,
        );
        const start = truncateMs(toNumber(row.t) as number, unit);
        expect(start, `${unit} of ${instant}`).toBe(toNumber(row.p));
        expect(periodEnd(start, unit)).toBeGreaterThan(toNumber(row.t) as number);
      }
    }
    expect(periodLabel(Date.UTC(2015, 2, 8, 2), 'hour')).toBe('2015-03-08 02:00');
    expect(periodLabel(Date.UTC(2015, 2, 1), 'month')).toBe('2015-03');
  });
});

describe('planChunks', () => {
  it('cuts seattle-weather by month, flagging the short Februaries as too small', async () => {
    const source = await loadFile(db(), 'seattle-weather.csv');
    const y2015 = await sliceOf(db(), source, 'year(date) = 2015');
    const time = y2015.dataset.columns.find((c) => c.name === 'date');
    const plan = await planChunks(db(), y2015.dataset.table, parseChunkSpec('month'), {
      time,
      rowCount: y2015.dataset.rowCount,
      minRows: 30,
    });
    expect(plan.chunks.map((c) => c.label)).toEqual(
      Array.from({ length: 12 }, (_, m) => `2015-${String(m + 1).padStart(2, '0')}`),
    );
    expect(plan.chunks.map((c) => c.rows)).toEqual([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    expect(plan.chunks.filter((c) => c.tooSmall).map((c) => c.label)).toEqual(['2015-02']);
    expect(plan.chunks[1]).toMatchObject({
      start: '2015-02-01T00:00:00.000Z',
      end: '2015-03-01T00:00:00.000Z',
    });
    expect(plan.excluded).toBe(0);
    const counted = await db().first(
      `SELECT count(*) AS n FROM ${y2015.dataset.table} WHERE ${plan.chunks[1]?.where}`,
    );
    expect(toNumber(counted.n)).toBe(28);
  });

  it('cuts N rows in file order, the last chunk holding the rest', async () => {
    const penguins = await loadFile(db(), 'penguins.json');
    const plan = await planChunks(db(), penguins.table, parseChunkSpec('rows:100'), {
      time: undefined,
      rowCount: penguins.rowCount,
      minRows: 50,
    });
    expect(plan.chunks.map((c) => [c.label, c.rows, c.tooSmall])).toEqual([
      ['rows 1–100', 100, false],
      ['rows 101–200', 100, false],
      ['rows 201–300', 100, false],
      ['rows 301–344', 44, true],
    ]);
  });

  it('parses text times once, and leaves rows without a readable time out', async () => {
    const { time, plan: chunks } = await timeChunks(
      'times.csv',
      'at,x\n2024/05/01 10:15,1\n2024-05-01 11:00,2\nnot a time,3\n,4\n2024-05-02T09:00:00,5\n',
      'times',
    );
    expect(time?.type).toBe('VARCHAR');
    const plan = await chunks('day');
    expect(plan.chunks.map((c) => [c.label, c.rows])).toEqual([
      ['2024-05-01', 2],
      ['2024-05-02', 1],
    ]);
    expect(plan.excluded).toBe(2);
    const hours = await chunks('hour');
    expect(hours.chunks.map((c) => c.label)).toEqual([
      '2024-05-01 10:00',
      '2024-05-01 11:00',
      '2024-05-02 09:00',
    ]);
  });

  it.each([
    ['sniffed as zoned timestamps', '', 'TIMESTAMP WITH TIME ZONE', 0],
    ['kept as text', 'not a time,5\n', 'VARCHAR', 1],
  ])('reads an offset in times, and a time without one as UTC: %s', async (_, more, type, excluded) => {
    const { time, plan } = await timeChunks(
      `zoned-${excluded}.csv`,
      `at,x\n2024-05-01T23:30:00+02:00,1\n2024-05-02T01:10:00+02:00,2\n2024-05-01 22:10,3\n2024-05-01T20:05:00-01:00,4\n${more}`,
      `zoned_${excluded}`,
    );
    expect(time?.type).toBe(type);
    const hours = await plan('hour');
    // 21:30 UTC, 23:10 UTC, 22:10 (no offset: UTC) and 21:05 UTC.
    expect(hours.chunks.map((c) => [c.label, c.rows])).toEqual([
      ['2024-05-01 21:00', 2],
      ['2024-05-01 22:00', 1],
      ['2024-05-01 23:00', 1],
    ]);
    expect(hours.excluded).toBe(excluded);
  });

  it('says what is wrong with a time chunking it cannot do', async () => {
    const penguins = await loadFile(db(), 'penguins.json');
    const options = { rowCount: penguins.rowCount, minRows: 30 };
    await expectUserError(
      planChunks(db(), penguins.table, parseChunkSpec('day'), { ...options, time: undefined }),
      /^--chunk day: needs a time column\. Pass --time <column>/,
    );
    const mass = penguins.columns.find((c) => c.name === 'Body Mass (g)');
    await expectUserError(
      planChunks(db(), penguins.table, parseChunkSpec('day'), { ...options, time: mass }),
      /^--time Body Mass \(g\): a BIGINT column cannot order rows in time/,
    );
    const species = penguins.columns.find((c) => c.name === 'Species');
    await expectUserError(
      planChunks(db(), penguins.table, parseChunkSpec('day'), { ...options, time: species }),
      /^--time Species: no row has a time this command can read/,
    );
    await expectUserError(
      planChunks(db(), penguins.table, parseChunkSpec('rows:1'), {
        ...options,
        rowCount: 5000,
        time: undefined,
      }),
      /^--chunk rows:1: the window has 5000 chunks; at most 2000/,
    );
  });
});

describe('alignColumns', () => {
  it("reads a column with the reference's kind, counting the values that do not convert", async () => {
    const reference = await tmp.write('ref.csv', 'amount,zip,flag\n1.5,02139,true\n2.5,10001,false\n');
    const current = await tmp.write(
      'cur.csv',
      'amount,zip,flag\n1.5,2139,yes\nn/a,10001,perhaps\n3,94103,maybe\n4,12345,never\n',
    );
    const refSet = await loadDataset(db(), { path: reference }, { table: 'align_ref' });
    const refProfile = await profileDataset(db(), refSet);
    const curSet = await loadDataset(db(), { path: current }, { table: 'align_cur' });
    expect(Object.fromEntries(curSet.columns.map((c) => [c.name, c.kind]))).toEqual({
      amount: 'categorical',
      zip: 'numeric',
      flag: 'categorical',
    });
    expect(refProfile.columns.zip?.kind).toBe('categorical');
    const { columns, changes } = await alignColumns(
      db(),
      curSet.table,
      curSet.columns,
      refProfile,
      () => true,
    );
    expect(changes).toEqual([
      {
        column: 'amount',
        reference: 'numeric',
        current: 'categorical',
        currentType: 'VARCHAR',
        converted: true,
        values: 4,
        lost: 1,
      },
      {
        column: 'zip',
        reference: 'categorical',
        current: 'numeric',
        currentType: 'BIGINT',
        converted: true,
        values: 4,
        lost: 0,
      },
      {
        column: 'flag',
        reference: 'boolean',
        current: 'categorical',
        currentType: 'VARCHAR',
        converted: false,
        values: 4,
        lost: 0,
      },
    ]);
    expect(columns.map((c) => [c.info.name, c.info.kind])).toEqual([
      ['amount', 'numeric'],
      ['zip', 'categorical'],
      ['flag', 'categorical'],
    ]);
    const plan = await planChunks(db(), curSet.table, parseChunkSpec('all'), {
      time: undefined,
      rowCount: curSet.rowCount,
      minRows: 1,
    });
    const [profile] = await profileChunks(db(), curSet, columns, plan.chunks);
    expect(profile?.columns.amount).toMatchObject({ kind: 'numeric', count: 3, nulls: 1 });
    expect(profile?.columns.zip).toMatchObject({ kind: 'categorical', count: 4 });
    expect(profile?.columns.flag?.kind).toBe('categorical');
  });
});
