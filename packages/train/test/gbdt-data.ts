import {
  assignSplits,
  type ColumnData,
  type Database,
  describeColumns,
  loadDataset,
  quoteIdent,
  readColumns,
  SPLIT_CODE,
} from '@modelgate/core';
import { dataset } from '../../core/test/datasets.js';
import type { FeatureSpec, ProblemSpec, Task, TrainingSet } from '../src/types.js';

/**
 * A small stand-in for the train package's data preparation, for the gbdt
 * tests and bench/train.ts: load a file, optionally derive columns with SQL,
 * split with the core split code, and build TrainingSets whose categorical
 * codes index the training split's categories.
 */
export interface TaskOptions {
  path: string;
  target: string;
  task: Task;
  /** Feature columns; default: every column but the target. */
  features?: readonly string[];
  /** A SELECT list over the loaded file's columns, e.g. `hour(date) AS hour, delay > 15 AS late`. */
  select?: string;
  /** A SQL condition on the loaded file's columns (and `rowid`) that rows must meet. */
  where?: string;
  seed?: number;
  validation?: number;
  test?: number;
}

export interface PreparedTask {
  spec: ProblemSpec;
  train: TrainingSet;
  validation: TrainingSet;
  test: TrainingSet;
  /** Row numbers (after dropping null targets) of each split, in file order. */
  rows: { train: Uint32Array; validation: Uint32Array; test: Uint32Array };
  /** The full columns (features, then the target) the splits were cut from. */
  columns: ColumnData[];
}

function pick(column: ColumnData, rows: Uint32Array): ColumnData {
  if ('codes' in column) return { ...column, codes: Int32Array.from(rows, (r) => column.codes[r] as number) };
  return {
    ...column,
    values: Float64Array.from(rows, (r) => Math.fround(column.values[r] as number)),
    valid: Uint8Array.from(rows, (r) => column.valid[r] as number),
  };
}

/** Codes re-indexed to the categories present in the training rows (sorted); others become -1. */
function trainingCategories(
  column: ColumnData,
  trainRows: Uint32Array,
): { column: ColumnData; categories: string[] } {
  if (!('codes' in column)) throw new Error('not categorical');
  const seen = new Uint8Array(column.dictionary.length);
  for (const r of trainRows) {
    const c = column.codes[r] as number;
    if (c >= 0) seen[c] = 1;
  }
  const remap = new Int32Array(column.dictionary.length).fill(-1);
  const categories: string[] = [];
  column.dictionary.forEach((name, c) => {
    if (seen[c]) {
      remap[c] = categories.length;
      categories.push(name);
    }
  });
  const codes = column.codes.map((c) => (c >= 0 ? (remap[c] as number) : -1));
  return { column: { ...column, codes, dictionary: categories }, categories };
}

function targetOf(column: ColumnData, task: Task, rows: Uint32Array): Int32Array | Float64Array {
  if (task === 'regression') {
    if ('codes' in column) throw new Error('regression target must be numeric');
    return Float64Array.from(rows, (r) => column.values[r] as number);
  }
  if (!('codes' in column)) throw new Error('classification target must be categorical here');
  return Int32Array.from(rows, (r) => column.codes[r] as number);
}

export async function prepareTask(db: Database, options: TaskOptions): Promise<PreparedTask> {
  const dataset = await loadDataset(db, { path: options.path });
  const target = quoteIdent(options.target);
  const table = `gbdt_task_${dataset.table}`;
  const select = options.select ? `*, ${options.select}` : '*';
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} AS SELECT ${select} FROM ${quoteIdent(dataset.table)} WHERE ${target} IS NOT NULL${options.where ? ` AND (${options.where})` : ''} ORDER BY rowid`,
  );
  const described = await describeColumns(db, table);
  const names = options.features ?? described.map((c) => c.name).filter((n) => n !== options.target);
  const infos = [...names, options.target].map((name) => {
    const info = described.find((c) => c.name === name);
    if (!info) throw new Error(`no column ${name}`);
    // The classification target is read as categories even when it is boolean or numeric.
    if (name === options.target && options.task !== 'regression')
      return { ...info, kind: 'categorical' as const };
    return info;
  });
  const { n: count } = await db.first<{ n: bigint }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
  const rowCount = Number(count);
  const columns = await readColumns(db, table, infos, rowCount);
  const targetColumn = columns[columns.length - 1] as ColumnData;
  const assignment = assignSplits(
    { rowCount, column: targetColumn },
    {
      by: options.task === 'regression' ? 'random' : 'stratified',
      validation: options.validation ?? 0.15,
      test: options.test ?? 0.2,
      seed: options.seed ?? 42,
    },
  );
  const rowsOf = (code: number) => {
    const out: number[] = [];
    assignment.forEach((a, r) => {
      if (a === code) out.push(r);
    });
    return Uint32Array.from(out);
  };
  const rows = {
    train: rowsOf(SPLIT_CODE.train),
    validation: rowsOf(SPLIT_CODE.validation),
    test: rowsOf(SPLIT_CODE.test),
  };
  const features: FeatureSpec[] = [];
  const featureColumns = names.map((name, f) => {
    const column = columns[f] as ColumnData;
    if ('codes' in column) {
      const recoded = trainingCategories(column, rows.train);
      features.push({ name, kind: 'categorical', categories: recoded.categories });
      return recoded.column;
    }
    features.push({ name, kind: 'numeric' });
    return column;
  });
  const spec: ProblemSpec = {
    task: options.task,
    target: options.target,
    features,
    ...('codes' in targetColumn ? { classes: targetColumn.dictionary } : {}),
  };
  const setOf = (r: Uint32Array): TrainingSet => ({
    rows: r.length,
    features: featureColumns.map((c) => pick(c, r)) as TrainingSet['features'],
    target: targetOf(targetColumn, options.task, r),
  });
  return {
    spec,
    train: setOf(rows.train),
    validation: setOf(rows.validation),
    test: setOf(rows.test),
    rows,
    columns: [...featureColumns, targetColumn],
  };
}

const PENGUINS = dataset('penguins.json');

/**
 * The penguin tasks of the gbdt tests; fixtures/gbdt-splits.json records their
 * split rows for fixtures/make_gbdt.py (positions among the rows kept, in file order).
 */
export const PENGUIN_TASKS = {
  multiclass: { path: PENGUINS, target: 'Species', task: 'multiclass' },
  binary: { path: PENGUINS, target: 'Sex', task: 'binary', where: `"Sex" IN ('MALE', 'FEMALE')` },
  regression: { path: PENGUINS, target: 'Body Mass (g)', task: 'regression' },
} as const satisfies Record<string, TaskOptions>;
