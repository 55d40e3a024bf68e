import {
  type ColumnData,
  type Database,
  type DataProfile,
  type Dataset,
  describeColumns,
  loadDataset,
  profileDataset,
  quoteIdent,
  readColumns,
} from '@modelgate/core';
import { dataset } from '../../core/test/datasets.js';
import { type PairFixture, type SliceFilter, sliceSql } from './drift-fixtures.js';

export interface Slice {
  dataset: Dataset;
  columns: ColumnData[];
  /** Sketches only (exactValues 0): the path whose error bounds these tests measure. */
  profile: DataProfile;
}

let counter = 0;

/** The rows of `source` a fixture filter keeps, as a table of their own with the source's column kinds. */
export async function sliceOf(db: Database, source: Dataset, filter: SliceFilter | string): Promise<Slice> {
  const table = `slice_${++counter}`;
  const where = typeof filter === 'string' ? filter : sliceSql(filter);
  await db.run(
    `CREATE TEMP TABLE ${quoteIdent(table)} AS SELECT * FROM ${quoteIdent(source.table)} WHERE ${where} ORDER BY rowid`,
  );
  const count = await db.first<{ n: bigint }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
  const sliced: Dataset = { ...source, table, rowCount: Number(count.n) };
  return {
    dataset: sliced,
    columns: await readColumns(db, table, sliced.columns, sliced.rowCount),
    profile: await profileDataset(db, sliced, { exactValues: 0 }),
  };
}

const loaded = new Map<string, Promise<Dataset>>();

/** Each vega-datasets file loaded once per test file. */
export function loadFile(db: Database, file: string): Promise<Dataset> {
  let ds = loaded.get(file);
  if (!ds) {
    ds = loadDataset(db, { path: dataset(file) });
    loaded.set(file, ds);
  }
  return ds;
}

const pairs = new Map<string, Promise<{ reference: Slice; current: Slice }>>();

/** Both slices of a fixture pair, made once per test file. */
export function pairSlices(db: Database, pair: PairFixture): Promise<{ reference: Slice; current: Slice }> {
  let slices = pairs.get(pair.name);
  if (!slices) {
    slices = loadFile(db, pair.file).then(async (source) => ({
      reference: await sliceOf(db, source, pair.reference),
      current: await sliceOf(db, source, pair.current),
    }));
    pairs.set(pair.name, slices);
  }
  return slices;
}

/** A table computed from a loaded file (extra columns, say), ready for sliceOf(). */
export async function derivedSource(db: Database, file: string, select: string): Promise<Dataset> {
  const source = await loadFile(db, file);
  const table = `derived_${++counter}`;
  await db.run(
    `CREATE TEMP TABLE ${quoteIdent(table)} AS SELECT ${select} FROM ${quoteIdent(source.table)} ORDER BY rowid`,
  );
  const count = await db.first<{ n: bigint }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
  return { ...source, table, columns: await describeColumns(db, table), rowCount: Number(count.n) };
}
