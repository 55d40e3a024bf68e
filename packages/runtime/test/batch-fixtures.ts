import { type Database, quoteLiteral, type Row, toNumber } from '@modelgate/core';
import type { ProblemSpec } from '@modelgate/train';
import { dataset } from '../../core/test/datasets.js';
import {
  packedClassifier,
  penguinsConfig,
  penguinsProblem,
  trainModel,
} from '../../evaluate/test/penguin-models.js';
import type { ColumnSet, ColumnsSpec } from '../src/index.js';

export const PENGUINS = dataset('penguins.json');
export const CARS = dataset('cars.json');

export interface TrainedModel {
  bytes: Uint8Array;
  spec: ProblemSpec;
}

/** A built-in model trained on a real vega dataset (the evaluate tests' helper). */
export async function trainedModel(
  db: Database,
  dir: string,
  kind: 'classifier' | 'regressor',
): Promise<TrainedModel> {
  const config =
    kind === 'regressor'
      ? penguinsConfig('', 'task: regression\ntarget: Miles_per_Gallon', CARS)
      : penguinsConfig();
  const problem = await penguinsProblem(db, config, dir);
  const bytes = await trainModel(problem, 'gbdt', { rounds: 20 });
  return { bytes, spec: problem.spec };
}

const PENGUIN_NUMBERS = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];

/** A softmax over the packed numeric penguin columns: a missing value gives NaN, which it cannot score. */
export function nullIntolerantClassifier(): TrainedModel {
  const classes = ['Adelie', 'Chinstrap', 'Gentoo'];
  return {
    bytes: packedClassifier(PENGUIN_NUMBERS.length, classes),
    spec: {
      task: 'multiclass',
      target: 'Species',
      features: PENGUIN_NUMBERS.map((name) => ({ name, kind: 'numeric' as const })),
      classes,
    },
  };
}

/** Rows as plain objects, read apart from the batch path, as the reference's input. */
export function fileRows(db: Database, path: string): Promise<Row[]> {
  return db.rows(`SELECT * FROM ${quoteLiteral(path)}`);
}

/** A ColumnSet built row by row from plain values: categories coded by the spec. */
export function referenceSet(rows: readonly Row[], spec: ColumnsSpec): ColumnSet {
  return {
    rows: rows.length,
    features: spec.features.map((f) => {
      if (f.kind === 'categorical') {
        const categories = [...(f.categories ?? [])];
        const codes = Int32Array.from(rows, (r) => {
          const v = r[f.name];
          return v === null || v === undefined ? -1 : categories.indexOf(String(v));
        });
        return { kind: 'categorical', name: f.name, codes, dictionary: categories };
      }
      const numbers = rows.map((r) => toNumber(r[f.name]));
      return {
        kind: 'numeric',
        name: f.name,
        values: Float64Array.from(numbers, (v) => v ?? 0),
        valid: Uint8Array.from(numbers, (v) => (v === null ? 0 : 1)),
      };
    }),
  };
}
