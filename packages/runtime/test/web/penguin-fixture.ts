import { type ColumnInfo, type Database, loadDataset, readColumns } from '@modelgate/core';
import type { Algorithm } from '@modelgate/train';
import { penguinsConfig, penguinsProblem, trainModel } from '../../../evaluate/test/penguin-models.js';
import {
  type ColumnPredictions,
  createSession,
  type ModelSpec,
  rawColumnsSpec,
  runOnColumns,
} from '../../src/index.js';

export interface Penguins {
  models: Record<'gbdt' | 'logistic', Uint8Array>;
  /** The models' spec, as training recorded it. */
  spec: ModelSpec;
  classes: string[];
  /** The test split, the holdout for quality checks. */
  holdout: string;
  /** The holdout's rows as plain objects (null for missing), as a page would get them. */
  rows: Record<string, unknown>[];
}

/** DuckDB gives BIGINT columns as bigint; a page gets plain JSON numbers. */
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
}

/** Trains the built-in gbdt and logistic models on penguins and reads the test split. */
export async function trainPenguins(db: Database, dir: string): Promise<Penguins> {
  const problem = await penguinsProblem(db, penguinsConfig(), dir);
  const models = {
    gbdt: await trainModel(problem, 'gbdt' satisfies Algorithm, { rounds: 30 }),
    logistic: await trainModel(problem, 'logistic' satisfies Algorithm),
  };
  const holdout = problem.splits.files.test;
  const dataset = await loadDataset(db, { path: holdout }, { table: 'penguins_holdout' });
  const rows = await db.rows<Record<string, unknown>>(`SELECT * FROM ${dataset.table} ORDER BY rowid`);
  return {
    models,
    spec: problem.spec,
    classes: [...(problem.spec.classes ?? [])],
    holdout,
    rows: rows.map(plainRow),
  };
}

/** What onnxruntime-node predicts for a data file, fed the way `predict` and `evaluate` feed it. */
export async function nodePredictions(
  db: Database,
  model: Uint8Array,
  spec: ModelSpec,
  file: string,
): Promise<ColumnPredictions> {
  const session = await createSession(model);
  try {
    const dataset = await loadDataset(db, { path: file }, { table: 'node_reference' });
    const infos = spec.features.map((f) => {
      const info = dataset.columns.find((c) => c.name === f.name);
      if (!info) throw new Error(`${file}: no column '${f.name}'`);
      return info satisfies ColumnInfo;
    });
    const features = await readColumns(db, dataset.table, infos, dataset.rowCount);
    return await runOnColumns(session, rawColumnsSpec(spec), { rows: dataset.rowCount, features });
  } finally {
    await session.release();
  }
}
