import type { ColumnData, NumericColumn } from '../data/columns.js';
import { UserError } from '../errors.js';
import { describeRows, plural } from './classes.js';
import { SPLIT_CODE, type SplitSettings } from './policy.js';
import { orZero, requireNonEmpty } from './sizes.js';

function numericTime(column: ColumnData): NumericColumn {
  if ('codes' in column) {
    throw new UserError(
      `time column '${column.name}' holds text: expected dates, timestamps or numbers to order rows by.`,
    );
  }
  const missing: number[] = [];
  column.values.forEach((v, i) => {
    if (!column.valid[i] || Number.isNaN(v)) missing.push(i);
  });
  if (missing.length > 0) {
    throw new UserError(
      `time column '${column.name}' is null in ${plural(missing.length, 'row')} (${describeRows(missing)}): a time split needs a time for every row. Drop those rows, or split another way.`,
    );
  }
  return column;
}

/**
 * Earliest rows to train, then validation, latest to test. A cut that falls
 * inside a run of equal times moves to the nearer end of the run, so no time
 * appears in two splits.
 */
export function assignByTime(
  column: ColumnData,
  sizes: readonly number[],
  settings: SplitSettings,
): Uint8Array {
  const { values } = numericTime(column);
  const n = values.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (values[a] ?? 0) - (values[b] ?? 0) || a - b);
  const timeAt = (position: number) => values[order[position] ?? 0] ?? 0;
  const cut = (position: number): number => {
    if (position <= 0 || position >= n || timeAt(position - 1) !== timeAt(position)) return position;
    let start = position - 1;
    while (start > 0 && timeAt(start - 1) === timeAt(start)) start--;
    let end = position + 1;
    while (end < n && timeAt(end - 1) === timeAt(end)) end++;
    return position - start <= end - position ? start : end;
  };
  const trainEnd = cut(sizes[SPLIT_CODE.train] ?? 0);
  const validationEnd = cut((sizes[SPLIT_CODE.train] ?? 0) + (sizes[SPLIT_CODE.validation] ?? 0));
  requireNonEmpty([trainEnd, validationEnd - trainEnd, n - validationEnd], settings, n, {
    why: ` because rows sharing a time in '${column.name}' stay in one split`,
    fix: (split) => `Use a finer time column or another strategy${orZero(split)}.`,
  });
  const out = new Uint8Array(n);
  order.forEach((row, position) => {
    out[row] =
      position < trainEnd
        ? SPLIT_CODE.train
        : position < validationEnd
          ? SPLIT_CODE.validation
          : SPLIT_CODE.test;
  });
  return out;
}
