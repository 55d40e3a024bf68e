import { UserError } from '../errors.js';
import { SPLIT_CODE, SPLIT_NAMES, type SplitName, type SplitSettings, splitFractions } from './policy.js';

/** Order in which leftover rows go out when remainders tie: the holdout first, as scikit-learn rounds test up. */
const TIE_ORDER = [SPLIT_CODE.test, SPLIT_CODE.validation, SPLIT_CODE.train];

/** Rows per split (SPLIT_NAMES order) by largest remainder: the sizes sum to `rows` exactly. */
export function splitSizes(rows: number, fractions: readonly number[]): number[] {
  const exact = fractions.map((f) => rows * f);
  const sizes = exact.map(Math.floor);
  let left = rows - sizes.reduce((a, b) => a + b, 0);
  const byRemainder = [...TIE_ORDER].sort(
    (a, b) => (exact[b] ?? 0) - (sizes[b] ?? 0) - ((exact[a] ?? 0) - (sizes[a] ?? 0)),
  );
  for (const s of byRemainder) {
    if (left <= 0) break;
    if (fractions[s] === 0) continue;
    sizes[s] = (sizes[s] ?? 0) + 1;
    left--;
  }
  return sizes;
}

export function formatFraction(f: number): string {
  return String(Number(f.toFixed(6)));
}

/** `, or pass --validation 0` for a split the user can switch off. */
export function orZero(split: SplitName): string {
  return split === 'train' ? '' : `, or pass --${split} 0`;
}

/** Refuses a split that asks for rows but would get none. */
export function requireNonEmpty(
  sizes: readonly number[],
  settings: SplitSettings,
  rows: number,
  explain: { why?: string; fix?: (split: SplitName) => string } = {},
): void {
  const fractions = splitFractions(settings);
  SPLIT_NAMES.forEach((name, s) => {
    if ((fractions[s] ?? 0) > 0 && sizes[s] === 0) {
      const asked = SPLIT_NAMES.map((n, i) => `${n} ${formatFraction(fractions[i] ?? 0)}`).join(', ');
      const fix = (explain.fix ?? ((split) => `Add rows${orZero(split)}.`))(name);
      throw new UserError(
        `${rows} row${rows === 1 ? '' : 's'} cannot be split into ${asked}: the ${name} split would be empty${explain.why ?? ''}. ${fix}`,
      );
    }
  });
}

/** Sizes for `rows` rows, refusing a split that asks for rows but would get none. */
export function plannedSizes(rows: number, settings: SplitSettings): number[] {
  const sizes = splitSizes(rows, splitFractions(settings));
  requireNonEmpty(sizes, settings, rows);
  return sizes;
}

/** The first `counts[test]` rows of `order` go to test, the next `counts[validation]` to validation, the rest to train. */
export function assignInOrder(order: ArrayLike<number>, counts: readonly number[], out: Uint8Array): void {
  const toTest = counts[SPLIT_CODE.test] ?? 0;
  const toValidation = toTest + (counts[SPLIT_CODE.validation] ?? 0);
  for (let i = 0; i < order.length; i++) {
    out[order[i] as number] =
      i < toTest ? SPLIT_CODE.test : i < toValidation ? SPLIT_CODE.validation : SPLIT_CODE.train;
  }
}
