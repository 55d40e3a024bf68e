import { type ColumnData, type ColumnInfo, UserError } from '@modelgate/core';
import type { Task } from '../types.js';

/** A class needs this many training rows for a trainer to learn it and early stopping to see it. */
export const MIN_CLASS_ROWS = 2;

/** Each row's label as text (null when missing): numbers as JS prints them, booleans as true/false. */
export function labelsOf(column: ColumnData): (string | null)[] {
  if ('codes' in column)
    return Array.from(column.codes, (c) => (c < 0 ? null : (column.dictionary[c] ?? null)));
  return Array.from(column.values, (v, i) => {
    if (!column.valid[i] || Number.isNaN(v)) return null;
    if (column.kind === 'boolean') return v ? 'true' : 'false';
    return String(v);
  });
}

/** Numbers sort as numbers ('2' before '10'), text by code point. */
function sortClasses(labels: Iterable<string>, numeric: boolean): string[] {
  const values = [...new Set(labels)];
  return numeric
    ? values.sort((a, b) => Number(a) - Number(b))
    : values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The rows of each split that have a target; the others are dropped (with a warning). */
export function targetPresent(column: ColumnData): Uint8Array {
  if ('codes' in column) return Uint8Array.from(column.codes, (c) => (c < 0 ? 0 : 1));
  return Uint8Array.from(column.values, (v, i) => (column.valid[i] && !Number.isNaN(v) ? 1 : 0));
}

/**
 * Classes are the sorted labels of the training split; every class needs
 * MIN_CLASS_ROWS training rows, a binary task exactly two classes.
 */
export function trainingClasses(task: Task, info: ColumnInfo, train: readonly (string | null)[]): string[] {
  const counts = new Map<string, number>();
  for (const label of train) if (label !== null) counts.set(label, (counts.get(label) ?? 0) + 1);
  const classes = sortClasses(
    counts.keys(),
    info.kind !== 'categorical' && info.kind !== 'text' && info.kind !== 'boolean',
  );
  if (classes.length < 2) {
    throw new UserError(
      `target '${info.name}' is constant in the training split (${classes.length === 0 ? 'no values' : `every row is '${classes[0]}'`}): a classifier needs at least two classes.`,
    );
  }
  if (task === 'binary' && classes.length !== 2) {
    throw new UserError(
      `target '${info.name}' has ${classes.length} classes in the training split (${classes.slice(0, 8).join(', ')}${classes.length > 8 ? ', …' : ''}), but task is binary. Set task: multiclass, or map the target to two classes.`,
    );
  }
  for (const label of classes) {
    const n = counts.get(label) ?? 0;
    if (n < MIN_CLASS_ROWS) {
      throw new UserError(
        `class '${label}' of target '${info.name}' has ${plural(n, 'row')} in the training split; each class needs at least ${MIN_CLASS_ROWS}. Merge or drop rare classes.`,
      );
    }
  }
  return classes;
}

/** Class indices of the kept rows; a label the training split never saw is an error naming it. */
export function encodeClasses(
  labels: readonly (string | null)[],
  keep: Int32Array,
  classes: readonly string[],
  where: { target: string; split: string },
): Int32Array {
  const index = new Map(classes.map((c, i) => [c, i]));
  const out = new Int32Array(keep.length);
  const unseen = new Map<string, number>();
  keep.forEach((row, i) => {
    const label = labels[row] ?? '';
    const code = index.get(label);
    if (code === undefined) unseen.set(label, (unseen.get(label) ?? 0) + 1);
    out[i] = code ?? -1;
  });
  if (unseen.size > 0) {
    const [[label, n]] = [...unseen.entries()] as [[string, number]];
    throw new UserError(
      `target '${where.target}' is '${label}' in ${plural(n, 'row')} of the ${where.split} split, a class the training split does not have (classes: ${classes.join(', ')}). Split again (stratified), or merge rare classes.`,
    );
  }
  return out;
}

/** Regression: a numeric target with finite values that are not all equal. */
export function checkRegressionTarget(info: ColumnInfo): void {
  if (info.kind !== 'numeric' && info.kind !== 'boolean') {
    throw new UserError(
      `target '${info.name}' is ${info.type} (${info.kind}), but task is regression, which needs numbers. Set task: binary or multiclass, or pick a numeric target.`,
    );
  }
}

export function regressionValues(
  column: ColumnData,
  keep: Int32Array,
  where: { target: string; split: string },
): Float64Array {
  if ('codes' in column) throw new Error('regressionValues: a categorical column');
  const out = Float64Array.from(keep, (row) => column.values[row] ?? Number.NaN);
  const infinite = out.filter((v) => !Number.isFinite(v)).length;
  if (infinite > 0) {
    throw new UserError(
      `target '${where.target}' is infinite in ${plural(infinite, 'row')} of the ${where.split} split. Fix or drop those rows.`,
    );
  }
  return out;
}

export function checkNotConstant(values: Float64Array, target: string): void {
  const first = values[0];
  if (values.length > 0 && values.every((v) => v === first)) {
    throw new UserError(
      `target '${target}' is constant in the training split (every row is ${first}): there is nothing to predict.`,
    );
  }
}
