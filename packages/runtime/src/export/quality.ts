import {
  type ColumnData,
  type ColumnInfo,
  type Database,
  describeFiles,
  isUserError,
  loadDataset,
  readColumns,
  UserError,
} from '@modelgate/core';
import type { InferenceSession } from 'onnxruntime-node';
import type { ColumnPredictions, ColumnsSpec } from '../columns.js';
import type { ModelSpec } from '../model/index.js';
import { runOnColumns } from '../run.js';
import { createSession } from '../session.js';

export const DEFAULT_QUALITY_TOLERANCE = 0.01;

export interface QualityCheck {
  holdout: string;
  /** Holdout rows with a target. */
  rows: number;
  /** accuracy for classifiers; rmse for regressors. */
  metric: 'accuracy' | 'rmse';
  original: number;
  quantized: number;
  /** Accuracy lost, or the relative RMSE increase (rmse ratio - 1); negative is a gain. */
  drop: number;
  /** The largest |original - quantized| over all probabilities or predictions. */
  maxDelta: number;
  tolerance: number;
  passed: boolean;
}

export interface QualityOptions {
  holdout: string;
  /** The model's spec, as the one resolver gives it (resolveModel); it must name the target. */
  spec: ModelSpec;
  tolerance?: number;
  label?: string;
}

/** The spec without categories: raw columns read from a file are coded by their own dictionaries. */
export function rawColumnsSpec(spec: ColumnsSpec): ColumnsSpec {
  return { ...spec, features: spec.features.map(({ name, kind }) => ({ name, kind })) };
}

async function withSession<T>(
  model: Uint8Array,
  label: string,
  work: (session: InferenceSession) => T | Promise<T>,
): Promise<T> {
  const session = await createSession(model, { label });
  try {
    return await work(session);
  } catch (err) {
    // A model that does not fit its spec: the message names which one.
    throw isUserError(err) ? new UserError(`${label}: ${err.message}`) : err;
  } finally {
    await session.release();
  }
}

function present(target: ColumnData, row: number): boolean {
  return 'codes' in target ? (target.codes[row] as number) >= 0 : target.valid[row] === 1;
}

function maxDelta(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

/**
 * Scores the original and the quantized model on a holdout file with
 * onnxruntime-node: accuracy for classifiers, RMSE for regressors. Passes
 * when the drop is at most `tolerance`.
 */
export async function checkQuantizedQuality(
  db: Database,
  original: Uint8Array,
  quantized: Uint8Array,
  options: QualityOptions,
): Promise<QualityCheck> {
  const label = options.label ?? 'model';
  const tolerance = options.tolerance ?? DEFAULT_QUALITY_TOLERANCE;
  const { spec } = options;
  if (!spec.target) {
    throw new UserError(
      `${label}: the model's spec names no target, so --holdout cannot score it; describe the model with --spec <file> holding "target"`,
    );
  }
  const dataset = await loadDataset(db, { path: options.holdout }, { table: 'export_holdout' });
  const name = describeFiles(dataset.files);
  const byName = new Map(dataset.columns.map((c) => [c.name, c]));
  const wanted = [...spec.features.map((f) => f.name), spec.target];
  const missing = wanted.filter((n) => !byName.has(n));
  if (missing.length > 0) {
    throw new UserError(
      `--holdout ${name}: no column ${missing.map((m) => `'${m}'`).join(', ')} (the model needs it)`,
    );
  }
  const columns = await readColumns(
    db,
    dataset.table,
    wanted.map((n) => byName.get(n) as ColumnInfo),
    dataset.rowCount,
  );
  const target = columns.pop() as ColumnData;
  const set = { rows: dataset.rowCount, features: columns };
  const raw = rawColumnsSpec(spec);
  const before = await withSession(original, label, (s) => runOnColumns(s, raw, set));
  const after = await withSession(quantized, `${label} (quantized)`, (s) => runOnColumns(s, raw, set));
  const rows: number[] = [];
  for (let r = 0; r < set.rows; r++) if (present(target, r)) rows.push(r);
  if (rows.length === 0)
    throw new UserError(`--holdout ${name}: target '${spec.target}' is null in every row`);
  const base = { holdout: name, rows: rows.length, tolerance };
  if (spec.task === 'regression') {
    if ('codes' in target) throw new UserError(`--holdout ${name}: target '${spec.target}' is not numeric`);
    const rmse = (p: Float32Array) =>
      Math.sqrt(
        rows.reduce((s, r) => s + ((p[r] as number) - (target.values[r] as number)) ** 2, 0) / rows.length,
      );
    const originalRmse = rmse(before.prediction as Float32Array);
    const quantizedRmse = rmse(after.prediction as Float32Array);
    const drop = originalRmse > 0 ? quantizedRmse / originalRmse - 1 : quantizedRmse;
    return {
      ...base,
      metric: 'rmse',
      original: originalRmse,
      quantized: quantizedRmse,
      drop,
      maxDelta: maxDelta(before.prediction as Float32Array, after.prediction as Float32Array),
      passed: drop <= tolerance,
    };
  }
  const classes = spec.classes ?? [];
  const truth = (r: number) =>
    'codes' in target ? target.dictionary[target.codes[r] as number] : String(target.values[r]);
  const accuracy = (p: ColumnPredictions) =>
    rows.filter((r) => classes[(p.label as Int32Array)[r] as number] === truth(r)).length / rows.length;
  const originalAccuracy = accuracy(before);
  const quantizedAccuracy = accuracy(after);
  const drop = originalAccuracy - quantizedAccuracy;
  return {
    ...base,
    metric: 'accuracy',
    original: originalAccuracy,
    quantized: quantizedAccuracy,
    drop,
    maxDelta: maxDelta(before.probabilities ?? new Float32Array(), after.probabilities ?? new Float32Array()),
    passed: drop <= tolerance,
  };
}
