import {
  type ColumnData,
  type ColumnInfo,
  type Database,
  type DataSpec,
  type Dataset,
  describeFiles,
  loadDataset,
  readColumns,
  UserError,
} from '@modelgate/core';
import { targetPresent } from '@modelgate/train';

export const HOLDOUT_TABLE = 'holdout';

/** The holdout as read: the rows with a target are the ones every model is scored on. */
export interface Holdout {
  dataset: Dataset;
  /** How messages name it: the file, or how many files a glob matched. */
  name: string;
  target: ColumnInfo;
  /** The raw target column, all rows. */
  targetColumn: ColumnData;
  /** Row numbers (file order) with a target, ascending. */
  keep: Int32Array;
  /** Rows left out because their target is null or NaN. */
  droppedRows: number;
}

function keptRows(present: Uint8Array): Int32Array {
  const rows: number[] = [];
  present.forEach((p, i) => {
    if (p) rows.push(i);
  });
  return Int32Array.from(rows);
}

/**
 * Reads the holdout into DuckDB. An empty file, a missing target column, or
 * a target that is null on every row is a UserError naming the file.
 */
export async function loadHoldout(db: Database, data: DataSpec, target: string): Promise<Holdout> {
  const dataset = await loadDataset(db, data, { table: HOLDOUT_TABLE });
  const name = describeFiles(dataset.files);
  if (dataset.rowCount === 0) throw new UserError(`${name}: the holdout is empty (no rows to evaluate on).`);
  const info = dataset.columns.find((c) => c.name === target);
  if (!info) {
    throw new UserError(
      `${name}: the holdout has no target column '${target}'. Columns: ${dataset.columns.map((c) => c.name).join(', ')}.`,
    );
  }
  const [targetColumn] = (await readColumns(db, dataset.table, [info], dataset.rowCount)) as [ColumnData];
  const keep = keptRows(targetPresent(targetColumn));
  if (keep.length === 0) {
    throw new UserError(
      `${name}: target '${target}' is null in all ${dataset.rowCount} rows of the holdout: nothing to evaluate on.`,
    );
  }
  return {
    dataset,
    name,
    target: info,
    targetColumn,
    keep,
    droppedRows: dataset.rowCount - keep.length,
  };
}

/** The kept rows of a column read in file order. */
export function keptColumn(column: ColumnData, keep: Int32Array): ColumnData {
  if ('codes' in column) {
    return { ...column, codes: Int32Array.from(keep, (r) => column.codes[r] ?? -1) };
  }
  return {
    ...column,
    values: Float64Array.from(keep, (r) => column.values[r] ?? Number.NaN),
    valid: Uint8Array.from(keep, (r) => column.valid[r] ?? 0),
  };
}

/** Columns of the holdout by name, as their own kinds; an unknown name is a UserError. */
export async function readHoldoutColumns(
  db: Database,
  holdout: Holdout,
  names: readonly string[],
  what: string,
): Promise<ColumnData[]> {
  const byName = new Map(holdout.dataset.columns.map((c) => [c.name, c]));
  const infos = names.map((name) => {
    const info = byName.get(name);
    if (!info) {
      throw new UserError(
        `${what}: '${name}' is not a column of the holdout ${holdout.name}. Columns: ${holdout.dataset.columns.map((c) => c.name).join(', ')}.`,
      );
    }
    return info;
  });
  const columns = await readColumns(db, holdout.dataset.table, infos, holdout.dataset.rowCount);
  return columns.map((c) => keptColumn(c, holdout.keep));
}
