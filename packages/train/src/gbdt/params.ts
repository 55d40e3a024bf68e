import { UserError } from '@modelgate/core';
import type { Params } from '../types.js';

/** The gbdt hyperparameters after validation. */
export interface GbdtParams {
  /** Maximum boosting rounds (one tree per round, one per class for multiclass). */
  rounds: number;
  learning_rate: number;
  /** Leaf-wise (best-first) growth stops at this many leaves. */
  max_leaves: number;
  /** 0 means no depth limit (the leaf count still bounds the tree). */
  max_depth: number;
  min_samples_leaf: number;
  /** L2 penalty on leaf values: value = -G / (H + l2). */
  l2: number;
  min_gain_to_split: number;
  /** Quantile bins per numeric feature, not counting the missing-value bin. */
  max_bins: number;
  /**
   * Bins per categorical feature, not counting the missing-value bin: the most
   * frequent training categories keep a bin each, the rarest share the last one.
   */
  max_cat_bins: number;
  /** Added to the hessian sum when categories are ordered by gradient/hessian (LightGBM's cat_smooth). */
  cat_smooth: number;
  /** Stop after this many rounds without a better validation loss; 0 turns early stopping off. */
  early_stopping_rounds: number;
}

export const GBDT_DEFAULTS: Readonly<GbdtParams> = {
  rounds: 100,
  learning_rate: 0.1,
  max_leaves: 31,
  max_depth: 0,
  min_samples_leaf: 20,
  l2: 0,
  min_gain_to_split: 0,
  max_bins: 255,
  max_cat_bins: 255,
  cat_smooth: 10,
  early_stopping_rounds: 10,
};

interface Range {
  min: number;
  max: number;
  integer: boolean;
  /** Whether `min` itself is allowed. */
  minInclusive: boolean;
}

const int = (min: number, max: number): Range => ({ min, max, integer: true, minInclusive: true });
const real = (min: number, max: number, minInclusive = true): Range => ({
  min,
  max,
  integer: false,
  minInclusive,
});

const RANGES: Readonly<Record<keyof GbdtParams, Range>> = {
  rounds: int(1, 100_000),
  learning_rate: real(0, 10, false),
  max_leaves: int(2, 65_536),
  max_depth: int(0, 1_000),
  min_samples_leaf: int(1, 1e9),
  l2: real(0, 1e12),
  min_gain_to_split: real(0, 1e12),
  max_bins: int(2, 65_535),
  max_cat_bins: int(2, 65_535),
  cat_smooth: real(0, 1e12),
  early_stopping_rounds: int(0, 100_000),
};

function describe(range: Range): string {
  const kind = range.integer ? 'an integer' : 'a number';
  const low = range.minInclusive ? `>= ${range.min}` : `> ${range.min}`;
  return `${kind} ${low} and <= ${range.max}`;
}

function isKnown(name: string): name is keyof GbdtParams {
  return Object.hasOwn(RANGES, name);
}

/** Defaults overridden by `params`; an unknown name or an out-of-range value is a UserError naming it. */
export function parseGbdtParams(params: Params): GbdtParams {
  const out: GbdtParams = { ...GBDT_DEFAULTS };
  for (const [name, value] of Object.entries(params)) {
    if (!isKnown(name)) {
      throw new UserError(`gbdt: unknown parameter '${name}'. Known: ${Object.keys(RANGES).join(', ')}.`);
    }
    const range = RANGES[name];
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (range.minInclusive ? value >= range.min : value > range.min) &&
      value <= range.max &&
      (!range.integer || Number.isInteger(value));
    if (!ok) {
      throw new UserError(
        `gbdt: parameter '${name}' is ${JSON.stringify(value)}; expected ${describe(range)}.`,
      );
    }
    out[name] = value;
  }
  return out;
}
