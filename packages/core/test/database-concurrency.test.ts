import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ColumnData,
  checkContract,
  Database,
  type Dataset,
  describeColumns,
  inferContract,
  loadDataset,
  profileDataset,
  readColumns,
  splitDataset,
} from '../src/index.js';
import { dataset } from './datasets.js';
import { useDatabase, useTempDir } from './fixtures.js';

const db = useDatabase();
const temp = useTempDir('database-concurrency');

/** Each column's name and a digest of its arrays: a short diff when a read differs. */
function digests(columns: readonly ColumnData[]): { name: string; digest: string }[] {
  return columns.map((column) => {
    const hash = createHash('sha256');
    const arrays = 'codes' in column ? [column.codes] : [column.values, column.valid];
    for (const array of arrays) hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    if ('dictionary' in column) hash.update(JSON.stringify(column.dictionary));
    return { name: column.name, digest: hash.digest('hex') };
  });
}

async function flights(): Promise<Dataset> {
  return loadDataset(db(), { path: dataset('flights-20k.json') }, { table: 'flights' });
}

describe('one Database, queries at once', () => {
  it('reads columns whole while other queries keep starting', async () => {
    const data = await flights();
    const alone = digests(await readColumns(db(), data.table, data.columns, data.rowCount));
    // A query started on the connection while a streamed result is read ends that result early:
    // without turns, the read stops after a chunk and leaves zeros behind, with no error.
    let reading = true;
    const chatter = async () => {
      let queries = 0;
      while (reading) {
        await db().rows('SELECT 1 AS one');
        queries++;
      }
      return queries;
    };
    const read = readColumns(db(), data.table, data.columns, data.rowCount).finally(() => {
      reading = false;
    });
    const [columns, queries] = await Promise.all([read, chatter()]);
    expect(queries).toBeGreaterThan(0);
    expect(digests(columns)).toEqual(alone);
  });

  it('gives what the same reads give one after another', async () => {
    const data = await flights();
    const penguins = await loadDataset(db(), { path: dataset('penguins.json') }, { table: 'penguins' });
    const contract = await inferContract(db(), penguins);
    const reads = (): Promise<unknown>[] => [
      readColumns(db(), data.table, data.columns, data.rowCount).then(digests),
      readColumns(db(), penguins.table, penguins.columns, penguins.rowCount).then(digests),
      profileDataset(db(), data),
      profileDataset(db(), penguins),
      describeColumns(db(), penguins.table),
      inferContract(db(), data),
      checkContract(db(), penguins, contract),
      db().jsonRows('SELECT origin, count(*) AS n FROM flights GROUP BY origin ORDER BY origin'),
    ];
    const alone: unknown[] = [];
    for (const read of reads()) alone.push(await read);
    const atOnce = await Promise.all([...reads(), ...reads()]);
    expect(atOnce).toEqual([...alone, ...alone]);
  });

  it('reads a table whole before a query asked for after it replaces the table', async () => {
    const penguins = await loadDataset(db(), { path: dataset('penguins.json') }, { table: 'penguins' });
    const swap = 'CREATE OR REPLACE TEMP TABLE swap AS SELECT';
    await db().run(`${swap} "Species" AS v FROM penguins`);
    const columns = await describeColumns(db(), 'swap');
    const alone = digests(await readColumns(db(), 'swap', columns, penguins.rowCount));
    // The codes must index the dictionary read from the same table, not the table that replaced it.
    const read = readColumns(db(), 'swap', columns, penguins.rowCount);
    const replace = db().run(`${swap} "Island" AS v FROM penguins`);
    expect(digests(await read)).toEqual(alone);
    await replace;
  });

  it('keeps running queries after one fails', async () => {
    const [failed, next] = await Promise.allSettled([
      db().rows('SELECT * FROM no_such_table'),
      db().rows('SELECT 42 AS n'),
    ]);
    expect(failed.status).toBe('rejected');
    expect(next).toEqual({ status: 'fulfilled', value: [{ n: 42 }] });
  });
});

describe('uninterrupted', () => {
  it('runs no other caller between the queries of a turn', async () => {
    const turn = db().uninterrupted(async (own) => {
      await own.run('CREATE OR REPLACE TEMP TABLE scratch AS SELECT 1 AS v');
      await own.first('SELECT count(*) AS n FROM range(100000)');
      return own.first('SELECT v FROM scratch');
    });
    const outside = db().run('CREATE OR REPLACE TEMP TABLE scratch AS SELECT 2 AS v');
    expect(await turn).toEqual({ v: 1 });
    await outside;
    expect(await db().first('SELECT v FROM scratch')).toEqual({ v: 2 });
  });

  it('lends a Database its owner closes', async () => {
    await expect(db().uninterrupted(async (own) => own.close())).rejects.toThrow(/lent by uninterrupted/);
    expect(await db().first('SELECT 1 AS one')).toEqual({ one: 1 });
  });

  it('splits two data sets at once as one after another, leaving the thread setting as it was', async () => {
    // Threads set explicitly so the setting differs from the one thread the split's COPY runs with.
    const own = await Database.open({ threads: 3 });
    try {
      const load = () =>
        Promise.all([
          loadDataset(own, { path: dataset('penguins.json') }, { table: 'penguins' }),
          loadDataset(own, { path: dataset('seattle-weather.csv') }, { table: 'weather' }),
        ]);
      const [penguins, weather] = await load();
      const policy = { validation: 0.1, test: 0.2, seed: 42 };
      const split = (suffix: string) => [
        splitDataset(own, penguins, { target: 'Species', policy, out: join(temp.dir, `penguins-${suffix}`) }),
        splitDataset(own, weather, { target: 'weather', policy, out: join(temp.dir, `weather-${suffix}`) }),
      ];
      const alone: unknown[] = [];
      for (const run of split('alone')) alone.push(await run);
      expect(await Promise.all(split('together'))).toEqual(alone);
      expect(await own.first(`SELECT current_setting('threads') AS threads`)).toEqual({ threads: 3n });
    } finally {
      own.close();
    }
  });
});
