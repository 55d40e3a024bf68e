import {
  type CategoricalColumn,
  type ColumnData,
  type ColumnInfo,
  type Database,
  type NumericColumn,
  readColumns,
  UserError,
} from '@modelgate/core';
import {
  categoricalFeature,
  countInfinite,
  labelsOf,
  numericFeature,
  type ProblemSpec,
  regressionValues,
  type TrainingSet,
} from '@modelgate/train';
import type { Holdout } from './holdout.js';

const NUMERIC_KINDS = new Set(['numeric', 'boolean', 'datetime']);

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The DuckDB reads for a model's features: categorical ones as text, whatever type the file has. */
function featureReads(holdout: Holdout, spec: ProblemSpec, label: string): ColumnInfo[] {
  const byName = new Map(holdout.dataset.columns.map((c) => [c.name, c]));
  return spec.features.map((f) => {
    const info = byName.get(f.name);
    if (!info) {
      throw new UserError(
        `${holdout.name}: the holdout has no column '${f.name}', a ${f.kind} feature of ${label}. Columns: ${holdout.dataset.columns.map((c) => c.name).join(', ')}.`,
      );
    }
    if (f.kind === 'categorical') return { ...info, kind: 'categorical' };
    if (!NUMERIC_KINDS.has(info.kind)) {
      throw new UserError(
        `${holdout.name}: column '${f.name}' is ${info.type} (${info.kind}), but ${label} takes it as a number.`,
      );
    }
    return info;
  });
}

/** Class index per kept row; a label the model does not know is a UserError naming it. */
function classTargets(holdout: Holdout, classes: readonly string[], label: string): Int32Array {
  const labels = labelsOf(holdout.targetColumn);
  const index = new Map(classes.map((c, i) => [c, i]));
  const unknown = new Map<string, number>();
  const out = Int32Array.from(holdout.keep, (row) => {
    const value = labels[row] ?? '';
    const k = index.get(value);
    if (k === undefined) unknown.set(value, (unknown.get(value) ?? 0) + 1);
    return k ?? -1;
  });
  const [first] = unknown.entries();
  if (first) {
    throw new UserError(
      `${holdout.name}: target '${holdout.target.name}' is '${first[0]}' in ${plural(first[1], 'row')}, a class ${label} does not know (its classes: ${classes.join(', ')}).`,
    );
  }
  return out;
}

function regressionTargets(holdout: Holdout, label: string): Float64Array {
  if (!NUMERIC_KINDS.has(holdout.target.kind)) {
    throw new UserError(
      `${holdout.name}: target '${holdout.target.name}' is ${holdout.target.type} (${holdout.target.kind}), but ${label} is a regression model, which needs numbers.`,
    );
  }
  return regressionValues(holdout.targetColumn, holdout.keep, {
    target: holdout.target.name,
    split: 'holdout',
  });
}

export interface EncodedHoldout {
  set: TrainingSet;
  /** Categories the model never saw in training, per feature. */
  warnings: string[];
}

function unseenCategories(
  raw: CategoricalColumn,
  coded: CategoricalColumn,
  keep: Int32Array,
): { rows: number; example: string } {
  let rows = 0;
  let example = '';
  keep.forEach((row, i) => {
    const code = raw.codes[row] ?? -1;
    if (code >= 0 && coded.codes[i] === -1) {
      if (rows === 0) example = raw.dictionary[code] ?? '';
      rows++;
    }
  });
  return { rows, example };
}

/**
 * The holdout's kept rows as one model sees them, encoded as training did:
 * numbers as float32 with null/NaN missing, categories coded into the
 * model's training categories (unseen = -1), the target as class indices of
 * the model's classes. A missing column, a wrong type, an unknown class or
 * an infinite value is a UserError naming the file and column.
 */
export async function encodeHoldout(
  db: Database,
  holdout: Holdout,
  spec: ProblemSpec,
  label: string,
): Promise<EncodedHoldout> {
  const reads = featureReads(holdout, spec, label);
  const raw = await readColumns(db, holdout.dataset.table, reads, holdout.dataset.rowCount);
  const warnings: string[] = [];
  const features = spec.features.map((f, i) => {
    const column = raw[i] as ColumnData;
    const infinite = countInfinite(column, holdout.keep);
    if (infinite > 0) {
      throw new UserError(
        `${holdout.name}: feature '${f.name}' is infinite (±inf, or beyond float32's range) in ${plural(infinite, 'row')}; a model cannot be sent such values.`,
      );
    }
    if (!('codes' in column)) return numericFeature(column as NumericColumn, holdout.keep);
    // A spec without categories (a bare model described by flags): the model maps the strings itself.
    const categories = f.categories ?? (column as CategoricalColumn).dictionary;
    const coded = categoricalFeature(column as CategoricalColumn, holdout.keep, categories);
    const unseen = unseenCategories(column as CategoricalColumn, coded, holdout.keep);
    if (unseen.rows > 0) {
      warnings.push(
        `${label}: feature '${f.name}' has ${plural(unseen.rows, 'holdout row')} with a category training never saw (e.g. '${unseen.example}'); the model gets them as missing.`,
      );
    }
    return coded;
  });
  const target =
    spec.task === 'regression'
      ? regressionTargets(holdout, label)
      : classTargets(holdout, spec.classes ?? [], label);
  return { set: { rows: holdout.keep.length, features, target }, warnings };
}
