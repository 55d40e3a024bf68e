import type { ColumnData } from '../data/columns.js';
import { UserError } from '../errors.js';
import { describeRows, encodeClasses, nullRows, plural } from './classes.js';
import { SPLIT_CODE, type SplitSettings } from './policy.js';
import { type RandomGenerator, shuffledRange } from './rng.js';
import { orZero, requireNonEmpty } from './sizes.js';

/**
 * Groups in seeded order fill test, then validation, each taking a group
 * only if it brings the split nearer its target row count; the rest train.
 * All rows of a group share a split.
 */
export function assignByGroup(
  column: ColumnData,
  sizes: readonly number[],
  settings: SplitSettings,
  rng: RandomGenerator,
): Uint8Array {
  const nulls = nullRows(column);
  if (nulls.length > 0) {
    throw new UserError(
      `group column '${column.name}' is null in ${plural(nulls.length, 'row')} (${describeRows(nulls)}): every row needs a group. Fill those rows, or split another way.`,
    );
  }
  const { codes, labels } = encodeClasses(column);
  const groupRows = new Array<number>(labels.length).fill(0);
  for (const code of codes) groupRows[code] = (groupRows[code] ?? 0) + 1;
  const filled = [0, 0, 0];
  const groupSplit = new Uint8Array(labels.length);
  for (const group of shuffledRange(labels.length, rng)) {
    const rows = groupRows[group] ?? 0;
    const split =
      [SPLIT_CODE.test, SPLIT_CODE.validation].find((s) => {
        const target = sizes[s] ?? 0;
        const now = filled[s] ?? 0;
        return Math.abs(now + rows - target) < Math.abs(now - target);
      }) ?? SPLIT_CODE.train;
    groupSplit[group] = split;
    filled[split] = (filled[split] ?? 0) + rows;
  }
  const largest = groupRows.reduce((a, b) => Math.max(a, b), 0);
  requireNonEmpty(filled, settings, codes.length, {
    why: ` without a group of '${column.name}' in two splits (${plural(labels.length, 'group')}, the largest with ${plural(largest, 'row')})`,
    fix: (split) => `Use --by random or a column with more groups${orZero(split)}.`,
  });
  const out = new Uint8Array(codes.length);
  codes.forEach((code, row) => {
    out[row] = groupSplit[code] ?? SPLIT_CODE.train;
  });
  return out;
}
