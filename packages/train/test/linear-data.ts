import { fileURLToPath } from 'node:url';
import {
  type CategoricalColumn,
  type ColumnData,
  type Database,
  loadDataset,
  type NumericColumn,
  readColumns,
} from '@modelgate/core';
import type { ProblemSpec, Task, TrainingSet } from '../src/types.js';

/** The committed penguins CSV the scikit-learn fixture was made from. */
export const PENGUINS_CSV = fileURLToPath(new URL('./fixtures/penguins-linear.csv', import.meta.url));

export async function readCsvColumns(db: Database, path: string): Promise<ColumnData[]> {
  const data = await loadDataset(db, { path });
  return readColumns(db, data.table, data.columns, data.rowCount);
}

export interface ProblemDefinition {
  task: Task;
  target: string;
  features: readonly string[];
  /** Classification: the classes to keep (default: all seen in training rows, sorted). */
  classes?: readonly string[];
}

export interface ProblemSets {
  spec: ProblemSpec;
  train: TrainingSet;
  test: TrainingSet;
}

function column(columns: readonly ColumnData[], name: string): ColumnData {
  const found = columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${name}`);
  return found;
}

function labelOf(target: ColumnData, row: number): string | number | undefined {
  if ('codes' in target) {
    const code = target.codes[row] as number;
    return code < 0 ? undefined : target.dictionary[code];
  }
  return target.valid[row] ? (target.values[row] as number) : undefined;
}

/**
 * A TrainingSet the way the data layer prepares one: rows with a target,
 * numeric values through Math.fround, categorical codes re-indexed to the
 * training rows' sorted categories (-1 for null or unseen).
 */
export function buildProblem(
  columns: readonly ColumnData[],
  definition: ProblemDefinition,
  split: (row: number) => 'train' | 'test' | undefined,
): ProblemSets {
  const target = column(columns, definition.target);
  const rowCount = 'codes' in target ? target.codes.length : target.values.length;
  const labelled = Array.from({ length: rowCount }, (_, i) => i).filter(
    (i) => labelOf(target, i) !== undefined,
  );
  const trainRows = labelled.filter((i) => split(i) === 'train');
  const classification = definition.task !== 'regression';
  const classes = classification
    ? [...(definition.classes ?? [...new Set(trainRows.map((i) => String(labelOf(target, i))))].sort())]
    : undefined;
  const keep = (i: number) => !classes || classes.includes(String(labelOf(target, i)));
  const rowsOf = (part: 'train' | 'test') => labelled.filter((i) => split(i) === part && keep(i));
  const train = rowsOf('train');
  const test = rowsOf('test');
  const features = definition.features.map((name) => {
    const c = column(columns, name);
    if (!('codes' in c)) return { name, kind: 'numeric' as const };
    const seen = new Set(train.map((i) => c.codes[i] as number).filter((code) => code >= 0));
    return {
      name,
      kind: 'categorical' as const,
      categories: c.dictionary.filter((_, code) => seen.has(code)),
    };
  });
  const spec: ProblemSpec = { task: definition.task, target: definition.target, features };
  if (classes) spec.classes = classes;
  const makeSet = (rows: number[]): TrainingSet => ({
    rows: rows.length,
    features: features.map((f): NumericColumn | CategoricalColumn => {
      const c = column(columns, f.name);
      if ('codes' in c) {
        const categories = f.categories ?? [];
        const codes = Int32Array.from(rows, (i) => {
          const code = c.codes[i] as number;
          return code < 0 ? -1 : categories.indexOf(c.dictionary[code] as string);
        });
        return { kind: 'categorical', name: f.name, codes, dictionary: categories };
      }
      return {
        kind: c.kind,
        name: f.name,
        values: Float64Array.from(rows, (i) => Math.fround(c.values[i] as number)),
        valid: Uint8Array.from(rows, (i) => c.valid[i] as number),
      };
    }),
    target: classes
      ? Int32Array.from(rows, (i) => classes.indexOf(String(labelOf(target, i))))
      : Float64Array.from(rows, (i) => labelOf(target, i) as number),
  });
  return { spec, train: makeSet(train), test: makeSet(test) };
}
