import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ModelSpec } from '../src/index.js';

/** The torch-made bare ONNX models of fixtures/byo (see its README.md), and torch's own outputs. */
export const BYO_DIR = join(import.meta.dirname, 'fixtures', 'byo');

export const BYO_MODELS = [
  'packed-probabilities',
  'packed-label-int',
  'columns-label-int',
  'binary-positive',
  'regression-variable',
] as const;
export type ByoName = (typeof BYO_MODELS)[number];

export interface ExpectedModel {
  file: string;
  inputs: 'packed' | 'columns';
  outputs: string[];
  task: ModelSpec['task'];
  target: string;
  features: string[];
  classes?: string[];
  /** [N][C], or [N] = P(second class) for the binary model. */
  probabilities?: number[][] | number[];
  labelIndices?: number[];
  labels?: string[];
  predictions?: number[];
}

export interface Expected {
  rowIndices: number[];
  /** penguins.json records, nulls kept. */
  rows: Record<string, string | number | null>[];
  models: Record<ByoName, ExpectedModel>;
}

export const BYO_EXPECTED = JSON.parse(readFileSync(join(BYO_DIR, 'expected.json'), 'utf8')) as Expected;

export interface ByoFixture {
  name: ByoName;
  path: string;
  expected: ExpectedModel;
  /** What a user would say with --features/--classes/--task: the spec the file itself does not record. */
  spec: ModelSpec;
  /** The same as a user types it: --features a,b,c [--classes x,y] --task t. */
  flags: string[];
}

export function byoFixture(name: ByoName): ByoFixture {
  const expected = BYO_EXPECTED.models[name];
  const spec: ModelSpec = {
    task: expected.task,
    target: expected.target,
    features: expected.features.map((f) => ({ name: f, kind: 'numeric' })),
    ...(expected.classes ? { classes: expected.classes } : {}),
  };
  const flags = [
    '--features',
    expected.features.join(','),
    ...(expected.classes ? ['--classes', expected.classes.join(',')] : []),
    '--task',
    expected.task,
  ];
  return { name, path: join(BYO_DIR, expected.file), expected, spec, flags };
}

/** One row's prediction, however it was read (an output file, the web bundle). */
export interface PredictedRow {
  label?: string;
  /** In class order. */
  probabilities?: number[];
  prediction?: number;
}

/** Labels equal torch's; probabilities within 1e-5; regression within 1e-5 relative (values of ~4000 g). */
export function expectTorchOutputs(rows: readonly PredictedRow[], expected: ExpectedModel): void {
  expect(rows).toHaveLength(BYO_EXPECTED.rows.length);
  if (expected.task === 'regression') {
    rows.forEach((row, i) => {
      const want = expected.predictions?.[i] as number;
      expect(Math.abs((row.prediction ?? Number.NaN) - want)).toBeLessThanOrEqual(
        1e-5 * Math.max(1, Math.abs(want)),
      );
    });
    return;
  }
  expect(rows.map((r) => r.label)).toEqual(expected.labels);
  if (!expected.probabilities) return;
  rows.forEach((row, i) => {
    const p = expected.probabilities?.[i] as number | number[];
    const want = Array.isArray(p) ? p : [1 - p, p];
    expect(row.probabilities).toHaveLength(want.length);
    want.forEach((q, j) => {
      expect(Math.abs((row.probabilities?.[j] ?? Number.NaN) - q)).toBeLessThanOrEqual(1e-5);
    });
  });
}
