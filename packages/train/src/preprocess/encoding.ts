import {
  type CategoricalColumn,
  type NumericColumn,
  type PreprocessConfig,
  UserError,
} from '@modelgate/core';
import { alignColumns } from '@modelgate/runtime';
import type { ProblemSpec, TrainingSet } from '../types.js';
import { DATETIME_PARTS, type DatetimePart, datetimeParts } from './datetime.js';
import { numericStatistics } from './statistics.js';

export interface EncodingOptions {
  categorical: 'onehot' | 'ordinal';
  numeric: 'standardize' | 'impute';
}

export const DEFAULT_ENCODING: EncodingOptions = { categorical: 'onehot', numeric: 'standardize' };

/** A candidate's `preprocess:` as encoding options; undefined for raw splits. */
export function encodingOptionsOf(config: PreprocessConfig | undefined): EncodingOptions | undefined {
  if (config === undefined || config === 'raw') return undefined;
  if (config === 'encoded') return DEFAULT_ENCODING;
  return {
    categorical: config.categorical ?? DEFAULT_ENCODING.categorical,
    numeric: config.numeric ?? DEFAULT_ENCODING.numeric,
  };
}

/** A short stable key of the options, e.g. `onehot-standardize`: one set of encoded files per key. */
export function encodingKey(options: EncodingOptions): string {
  return `${options.categorical}-${options.numeric}`;
}

/**
 * One column of the numeric block: a numeric feature's value or a datetime
 * feature's part, a missing value filled with the training mean, then
 * standardised (`mean`, `scale` absent when only imputing). float32 values.
 */
export interface NumericEncoding {
  feature: number;
  part?: DatetimePart;
  fill: number;
  mean?: number;
  scale?: number;
}

/** A categorical feature: its training categories; missing and unseen values share the slot after them. */
export interface CategoricalEncoding {
  feature: number;
  categories: string[];
}

/**
 * The encoding fitted on the training split, in the column order of the
 * encoded matrix: the numeric block, then one missing indicator per numeric
 * feature that has missing training values, then the categorical blocks
 * (one-hot: one column per category and the missing-or-unseen one; ordinal:
 * one column, the category's index, `categories.length` for missing or unseen).
 */
export interface Encoding {
  options: EncodingOptions;
  numeric: NumericEncoding[];
  /** Features with a missing indicator column. */
  indicators: number[];
  categorical: CategoricalEncoding[];
  /** Datetime features (numbers of epoch milliseconds) and the parts they are encoded by. */
  datetime: { feature: number; parts: DatetimePart[] }[];
  /** Missing (null or NaN) training values of each feature, in spec order. */
  missing: number[];
  width: number;
}

/** Float32 statistics of one numeric block column; a constant or NaN one is a UserError naming it. */
function numericEncoding(
  values: Pick<NumericColumn, 'values' | 'valid'>,
  where: { feature: number; name: string; part?: DatetimePart },
  options: EncodingOptions,
): NumericEncoding | undefined {
  const stats = numericStatistics(values);
  const fill = Math.fround(stats.mean);
  const scale = Math.fround(stats.std);
  const column = where.part
    ? `part '${where.part}' of datetime feature '${where.name}'`
    : `feature '${where.name}'`;
  const bad = !Number.isFinite(fill)
    ? `mean is ${fill}`
    : options.numeric === 'standardize' && !Number.isFinite(scale)
      ? `standard deviation is ${scale}`
      : undefined;
  if (bad) {
    const why =
      stats.present === 0
        ? 'it has no value in the training split'
        : `${stats.infinite} of its values are infinite`;
    throw new UserError(
      `${column}: its training ${bad} (${why}); the encoded splits need finite statistics. Remove it from features or fix its values.`,
    );
  }
  // A calendar part that never changes (the hour of a date) carries nothing: it is left out.
  if (where.part && scale === 0) return undefined;
  const step: NumericEncoding = { feature: where.feature, ...(where.part ? { part: where.part } : {}), fill };
  if (options.numeric === 'impute') return step;
  if (scale === 0) {
    throw new UserError(
      `${column} is constant in the training split (every value is ${fill}): its standard deviation is 0, so standardising it divides by zero. Remove it from features, or use preprocess: { numeric: impute }.`,
    );
  }
  return { ...step, mean: fill, scale };
}

function partColumn(column: NumericColumn, part: DatetimePart): Pick<NumericColumn, 'values' | 'valid'> {
  const values = Float64Array.from(column.values, (v, i) =>
    column.valid[i] ? datetimeParts(v)[part] : Number.NaN,
  );
  return { values, valid: Uint8Array.from(values, (v) => (Number.isNaN(v) ? 0 : 1)) };
}

function missingCount(column: NumericColumn | CategoricalColumn): number {
  if ('codes' in column) return column.codes.reduce((n, c) => n + (c < 0 ? 1 : 0), 0);
  return column.values.reduce((n, v, i) => n + (column.valid[i] && !Number.isNaN(v) ? 0 : 1), 0);
}

/**
 * Fits the encoding on the training split: the same statistics and steps as
 * the built-in trainers' preprocessing (training mean for a missing value,
 * population standard deviation, categories from the training split).
 * `datetime` names the numeric features that are datetimes (epoch ms).
 */
export function fitEncoding(
  spec: ProblemSpec,
  train: TrainingSet,
  datetime: ReadonlySet<string>,
  options: EncodingOptions,
): Encoding {
  const columns = alignColumns(spec, train);
  const numeric: NumericEncoding[] = [];
  const indicators: number[] = [];
  const categorical: CategoricalEncoding[] = [];
  const dates: Encoding['datetime'] = [];
  const missing = columns.map(missingCount);
  columns.forEach((column, feature) => {
    const name = spec.features[feature]?.name ?? column.name;
    if ('codes' in column) {
      const categories = spec.features[feature]?.categories ?? column.dictionary;
      if (categories.length === 0) {
        throw new UserError(`categorical feature '${name}' has no category in the training split.`);
      }
      categorical.push({ feature, categories: [...categories] });
      return;
    }
    const value = numericEncoding(column, { feature, name }, options);
    if (value) numeric.push(value);
    if (datetime.has(name)) {
      const parts: DatetimePart[] = [];
      for (const part of DATETIME_PARTS) {
        const step = numericEncoding(partColumn(column, part), { feature, name, part }, options);
        if (step) {
          numeric.push(step);
          parts.push(part);
        }
      }
      dates.push({ feature, parts });
    }
    if ((missing[feature] ?? 0) > 0) indicators.push(feature);
  });
  const categoricalWidth = categorical.reduce(
    (n, c) => n + (options.categorical === 'onehot' ? c.categories.length + 1 : 1),
    0,
  );
  return {
    options,
    numeric,
    indicators,
    categorical,
    datetime: dates,
    missing,
    width: numeric.length + indicators.length + categoricalWidth,
  };
}
