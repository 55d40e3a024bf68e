import {
  type ColumnInfo,
  type Database,
  type Dataset,
  describeFiles,
  quoteIdent,
  toNumber,
  UserError,
} from '@modelgate/core';
import { LOG_COLUMNS } from '../prediction-log/load.js';
import type { Note } from '../report/types.js';
import { currentTimeSql, joinsByTime, labelTimeSql } from './label-time.js';
import type { ModelOutputs, RowLabels } from './types.js';

const TRUE_WORDS = ['true', 'yes', 'y', 't', '1'];
const FALSE_WORDS = ['false', 'no', 'n', 'f', '0'];

/**
 * Class index by label text. A labels file whose reader took yes/no for
 * booleans gives 'true'/'false': those map to the model's two classes when
 * they read as yes/no words.
 */
export function classIndex(classes: readonly string[], boolean: boolean): Map<string, number> {
  const index = new Map(classes.map((c, k) => [c, k]));
  if (boolean && classes.length === 2 && !index.has('true')) {
    const lower = classes.map((c) => c.toLowerCase());
    const yes = lower.findIndex((c) => TRUE_WORDS.includes(c));
    const no = lower.findIndex((c) => FALSE_WORDS.includes(c));
    if (yes >= 0 && no >= 0 && yes !== no) {
      index.set('true', yes);
      index.set('false', no);
    }
  }
  return index;
}

export interface LabelJoin {
  /** Columns present in both the current data and the labels file that identify a row (request id, and row within it). */
  keys: readonly string[];
  /** The label column of the labels file. */
  column: string;
}

export interface JoinedLabels {
  labels: RowLabels;
  /** Labels file rows, and how many found a current row. */
  rows: number;
  matched: number;
  /** Labels that are not a class of the model (for regression: not a number). */
  unknown: number;
  /** Ids (with their time, when `byTime`) the file labels more than once, differently: only the first label of each is used. */
  conflicting: number;
  /** Current rows whose id the file lists with an empty (null) label only: left out. */
  empty: number;
  /** Whether the labels joined by the answer's time too (a `time` column in the labels file). */
  byTime: boolean;
}

function need(columns: readonly ColumnInfo[], name: string, where: string, flag: string): void {
  if (!columns.some((c) => c.name === name)) {
    throw new UserError(
      `${flag} ${name}: not a column of ${where}. Columns: ${columns
        .map((c) => c.name)
        .slice(0, 20)
        .join(', ')}.`,
    );
  }
}

/**
 * Late labels joined to the current rows by id (compared as text, so an id
 * written as a number in one file and a string in the other still joins),
 * and by the answer's time to the millisecond when a labels file joined by
 * request id has a `time` column. A row's label is the first one the file
 * gives its key, empty (null) labels aside: a row with only those is left
 * out and counted; keys labeled again differently are counted. For
 * regression a label that is not a number counts as unknown, not as matched.
 */
export async function joinLabels(
  db: Database,
  current: Dataset,
  labels: Dataset,
  join: LabelJoin,
  outputs: Pick<ModelOutputs, 'task' | 'classes'>,
): Promise<JoinedLabels> {
  const labelsName = describeFiles(labels.files);
  for (const key of join.keys) {
    need(current.columns, key, `the current data ${describeFiles(current.files)}`, '--label-id');
    need(labels.columns, key, `the labels ${labelsName}`, '--label-id');
  }
  need(labels.columns, join.column, `the labels ${labelsName}`, '--label-column');
  const keys = join.keys.map((k) => ({
    labels: `CAST(${quoteIdent(k)} AS VARCHAR)`,
    current: `CAST(c.${quoteIdent(k)} AS VARCHAR)`,
  }));
  const byTime = joinsByTime(labels, join.keys);
  if (byTime) keys.push({ labels: await labelTimeSql(db, labels), current: currentTimeSql(current) });
  const label = quoteIdent(join.column);
  const firstLabel = `(SELECT ${keys.map((k, i) => `${k.labels} AS k${i}`).join(', ')}, first(${label} ORDER BY rowid) FILTER (WHERE ${label} IS NOT NULL) AS y, count(DISTINCT ${label}) AS labels FROM ${quoteIdent(labels.table)} GROUP BY ALL)`;
  const on = keys.map((k, i) => `${k.current} = l.k${i}`).join(' AND ');
  const regression = outputs.task === 'regression';
  const value = regression ? 'TRY_CAST(l.y AS DOUBLE)' : 'CAST(l.y AS VARCHAR)';
  const rows = await db.rows<{ r: unknown; y: unknown }>(
    `SELECT c.rowid AS r, ${value} AS y FROM ${quoteIdent(current.table)} c JOIN ${firstLabel} l ON ${on} WHERE l.y IS NOT NULL`,
  );
  const conflicts = await db.first<{ n: unknown }>(
    `SELECT count(*) AS n FROM ${firstLabel} WHERE labels > 1`,
  );
  const empty = await db.first<{ n: unknown }>(
    `SELECT count(*) AS n FROM ${quoteIdent(current.table)} c JOIN ${firstLabel} l ON ${on} WHERE l.y IS NULL`,
  );
  const n = current.rowCount;
  const index = classIndex(
    outputs.classes,
    labels.columns.find((c) => c.name === join.column)?.kind === 'boolean',
  );
  const result: RowLabels = regression ? new Float64Array(n).fill(Number.NaN) : new Int32Array(n).fill(-1);
  let unknown = 0;
  for (const row of rows) {
    const r = toNumber(row.r) ?? -1;
    if (r < 0 || r >= n) continue;
    if (regression) {
      const y = toNumber(row.y);
      if (y === null || !Number.isFinite(y)) unknown++;
      else result[r] = y;
    } else {
      const k = index.get(String(row.y));
      if (k === undefined) unknown++;
      else result[r] = k;
    }
  }
  return {
    labels: result,
    rows: labels.rowCount,
    matched: rows.length - unknown,
    unknown,
    conflicting: toNumber(conflicts?.n) ?? 0,
    empty: toNumber(empty?.n) ?? 0,
    byTime,
  };
}

/** What the report says about a labels file that did not all join: `source` names it. */
export function labelNotes(
  joined: JoinedLabels,
  source: string,
  outputs: Pick<ModelOutputs, 'task' | 'classes'>,
): Note[] {
  const notes: Note[] = [];
  if (joined.matched === 0 && joined.unknown === 0 && joined.empty === 0) {
    notes.push({
      level: 'warning',
      message: `--labels ${source}: none of its ${joined.rows} labels matched a current row${joined.byTime ? ` (joined by request id and the answer's '${LOG_COLUMNS.time}' to the millisecond)` : ''}.`,
    });
  }
  if (joined.unknown > 0) {
    const what =
      outputs.task === 'regression'
        ? 'not a number'
        : `not a class of the model (${outputs.classes.join(', ')})`;
    notes.push({
      level: 'warning',
      message: `--labels ${source}: ${joined.unknown} labels are ${what}; left out.`,
    });
  }
  if (joined.empty > 0) {
    notes.push({
      level: 'warning',
      message: `--labels ${source}: ${joined.empty} rows have only an empty label; left out.`,
    });
  }
  if (joined.conflicting > 0) {
    notes.push({
      level: 'warning',
      message: `--labels ${source}: ${joined.conflicting} ${joined.byTime ? 'requests (id and time)' : 'ids'} are labeled more than once with different labels; the first label of each is used.`,
    });
  }
  return notes;
}
