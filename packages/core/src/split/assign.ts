import type { ColumnData } from '../data/columns.js';
import { UserError } from '../errors.js';
import { assignByGroup } from './group.js';
import { checkSplitSettings, parseSplitStrategy, type SplitSettings } from './policy.js';
import { createRng, shuffledRange } from './rng.js';
import { assignInOrder, plannedSizes } from './sizes.js';
import { assignStratified } from './stratified.js';
import { assignByTime } from './time.js';

export interface SplitInput {
  rowCount: number;
  /** What the strategy splits on: the target for stratified, the time or group column; random needs none. */
  column?: ColumnData;
}

function columnLength(column: ColumnData): number {
  return 'codes' in column ? column.codes.length : column.values.length;
}

/**
 * The split of every row (a SPLIT_CODE, in file order), computed from the
 * seed alone: no clock, no DuckDB randomness, so the same data and settings
 * give the same assignment on any machine and DuckDB version.
 */
export function assignSplits(input: SplitInput, settings: SplitSettings): Uint8Array {
  checkSplitSettings(settings);
  if (input.rowCount === 0) throw new UserError('no rows to split: the data set is empty.');
  const sizes = plannedSizes(input.rowCount, settings);
  const strategy = parseSplitStrategy(settings.by);
  const rng = createRng(settings.seed);
  if (strategy.kind === 'random') {
    const out = new Uint8Array(input.rowCount);
    assignInOrder(shuffledRange(input.rowCount, rng), sizes, out);
    return out;
  }
  const { column } = input;
  if (!column || columnLength(column) !== input.rowCount) {
    throw new Error(`assignSplits: --by ${settings.by} needs its column with ${input.rowCount} values`);
  }
  switch (strategy.kind) {
    case 'stratified':
      return assignStratified(column, sizes, rng);
    case 'time':
      return assignByTime(column, sizes, settings);
    case 'group':
      return assignByGroup(column, sizes, settings, rng);
  }
}
