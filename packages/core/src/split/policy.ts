import { UserError } from '../errors.js';

/** The splits in storage order: a row's split code is its index here. */
export const SPLIT_NAMES = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];
export const SPLIT_CODE: Readonly<Record<SplitName, number>> = { train: 0, validation: 1, test: 2 };

/** Names the per-split values of an array in SPLIT_NAMES order. */
export function bySplit<T>(values: readonly T[]): Record<SplitName, T> {
  const [train, validation, test] = values;
  if (train === undefined || validation === undefined || test === undefined) {
    throw new Error(`expected one value per split, got ${values.length}`);
  }
  return { train, validation, test };
}

/** A split policy with every choice made: what the manifest records. */
export interface SplitSettings {
  /** `random`, `stratified`, `time:<column>` or `group:<column>`. */
  by: string;
  validation: number;
  test: number;
  seed: number;
}

export type SplitStrategy =
  | { kind: 'random' }
  | { kind: 'stratified' }
  | { kind: 'time'; column: string }
  | { kind: 'group'; column: string };

export function parseSplitStrategy(by: string): SplitStrategy {
  if (by === 'random' || by === 'stratified') return { kind: by };
  const match = /^(time|group):(.+)$/.exec(by);
  if (match?.[1] === 'time' || match?.[1] === 'group') return { kind: match[1], column: match[2] ?? '' };
  throw new UserError(
    `--by ${by}: unknown split strategy. Expected random, stratified, time:<column> or group:<column>.`,
  );
}

// xoroshiro128plus keeps the low 32 bits of a seed; wider seeds would silently collide.
const SEED_MIN = -(2 ** 31);
const SEED_MAX = 2 ** 31 - 1;

/** Refuses fractions and seeds that cannot give a train split and a reproducible assignment. */
export function checkSplitSettings(settings: SplitSettings): void {
  for (const name of ['validation', 'test'] as const) {
    const value = settings[name];
    if (!Number.isFinite(value) || value < 0 || value >= 1) {
      throw new UserError(`--${name} ${value}: expected a fraction in [0, 1), such as 0.1.`);
    }
  }
  if (settings.validation + settings.test >= 1) {
    throw new UserError(
      `--validation ${settings.validation} and --test ${settings.test} sum to ${settings.validation + settings.test}: they must sum to less than 1 to leave rows for training.`,
    );
  }
  if (!Number.isInteger(settings.seed) || settings.seed < SEED_MIN || settings.seed > SEED_MAX) {
    throw new UserError(`--seed ${settings.seed}: expected an integer from ${SEED_MIN} to ${SEED_MAX}.`);
  }
  parseSplitStrategy(settings.by);
}

/** The share of rows each split asks for, in SPLIT_NAMES order. */
export function splitFractions(settings: SplitSettings): [number, number, number] {
  return [1 - settings.validation - settings.test, settings.validation, settings.test];
}
