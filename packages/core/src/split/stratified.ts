import type { ColumnData } from '../data/columns.js';
import { UserError } from '../errors.js';
import { apportion } from './apportion.js';
import { describeRows, encodeClasses, nullRows, plural } from './classes.js';
import type { RandomGenerator } from './rng.js';
import { shuffleInPlace } from './rng.js';
import { assignInOrder } from './sizes.js';

/** Each class shuffled on its own and cut so every split keeps the class shares of the whole. */
export function assignStratified(
  target: ColumnData,
  sizes: readonly number[],
  rng: RandomGenerator,
): Uint8Array {
  const nulls = nullRows(target);
  if (nulls.length > 0) {
    throw new UserError(
      `target '${target.name}' is null in ${plural(nulls.length, 'row')} (${describeRows(nulls)}): a stratified split needs a class for every row. Drop those rows, or use --by random, which keeps them.`,
    );
  }
  const { codes, labels } = encodeClasses(target);
  const members: number[][] = labels.map(() => []);
  codes.forEach((code, row) => {
    members[code]?.push(row);
  });
  const splitsWithRows = sizes.filter((size) => size > 0).length;
  members.forEach((rows, c) => {
    if (rows.length < splitsWithRows) {
      throw new UserError(
        `class '${labels[c]}' of target '${target.name}' has ${plural(rows.length, 'row')}, fewer than the ${splitsWithRows} splits it must be spread over. Merge rare classes, or use --by random.`,
      );
    }
  });
  const counts = apportion(
    members.map((rows) => rows.length),
    sizes,
    rng,
  );
  const out = new Uint8Array(codes.length);
  members.forEach((rows, c) => {
    shuffleInPlace(rows, rng);
    assignInOrder(rows, counts[c] ?? [], out);
  });
  return out;
}
