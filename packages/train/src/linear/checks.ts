import { UserError } from '@modelgate/core';
import type { ProblemSpec, TrainingSet } from '../types.js';
import type { Layout } from './layout.js';

export function checkRows(algorithm: string, train: TrainingSet): void {
  if (train.rows === 0) throw new UserError(`${algorithm}: the training split has no rows`);
}

export function checkLayout(algorithm: string, layout: Layout): void {
  if (layout.width === 0) {
    throw new UserError(
      `${algorithm}: no usable features (every categorical feature is empty and there are no numeric ones)`,
    );
  }
}

/** Class indices in range and every class present: an absent class has no finite optimum. */
export function checkClasses(spec: ProblemSpec, train: TrainingSet): number {
  const classes = spec.classes ?? [];
  if (classes.length < 2)
    throw new UserError(
      `target '${spec.target}': a classifier needs at least 2 classes, got ${classes.length}`,
    );
  if (spec.task === 'binary' && classes.length !== 2) {
    throw new UserError(
      `target '${spec.target}': a binary task needs exactly 2 classes, got ${classes.length}`,
    );
  }
  const counts = new Int32Array(classes.length);
  for (let i = 0; i < train.rows; i++) {
    const y = train.target[i] as number;
    if (!Number.isInteger(y) || y < 0 || y >= classes.length) {
      throw new UserError(
        `target '${spec.target}': row ${i} has class index ${y}, outside 0..${classes.length - 1}`,
      );
    }
    counts[y] = (counts[y] as number) + 1;
  }
  const missing = classes.filter((_, k) => counts[k] === 0);
  if (missing.length > 0) {
    throw new UserError(
      `target '${spec.target}': class ${missing.map((c) => `'${c}'`).join(', ')} has no rows in the training split`,
    );
  }
  return classes.length;
}

export function checkRegressionTarget(spec: ProblemSpec, train: TrainingSet): void {
  for (let i = 0; i < train.rows; i++) {
    if (!Number.isFinite(train.target[i] as number)) {
      throw new UserError(
        `target '${spec.target}': row ${i} is ${train.target[i]}; regression needs finite numbers`,
      );
    }
  }
}

/** A fit must never hand back a NaN model; extreme feature values are the likely cause. */
export function checkFinite(algorithm: string, ...arrays: Float64Array[]): void {
  if (arrays.some((a) => a.some((v) => !Number.isFinite(v)))) {
    throw new UserError(
      `${algorithm}: the fit produced non-finite weights; check the features for extreme values`,
    );
  }
}
