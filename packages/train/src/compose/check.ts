import type { NumericColumn } from '@modelgate/core';
import { errorMessage, UserError } from '@modelgate/core';
import { type ColumnPredictions, createSession, runOnColumns } from '@modelgate/runtime';
import type { Encoding } from '../preprocess/encoding.js';
import { encodeSet } from '../preprocess/matrix.js';
import type { ProblemSpec, TrainingSet } from '../types.js';

/** Rows the check runs: enough to meet every kind of value, few enough to cost nothing. */
const CHECK_ROWS = 256;
/** The composed model must give the command's model's outputs to this (relative for large values). */
const COMPOSE_TOLERANCE = 1e-6;

function headRows(set: TrainingSet, rows: number): TrainingSet {
  const n = Math.min(rows, set.rows);
  return {
    rows: n,
    target: set.target.subarray(0, n),
    features: set.features.map((c) =>
      'codes' in c
        ? { ...c, codes: c.codes.subarray(0, n) }
        : { ...c, values: c.values.subarray(0, n), valid: c.valid.subarray(0, n) },
    ),
  };
}

/** The encoded matrix as a set of numeric columns, the form runOnColumns feeds a packed model. */
function encodedSet(matrix: Float32Array, columns: readonly string[], set: TrainingSet): TrainingSet {
  const width = columns.length;
  return {
    rows: set.rows,
    target: set.target,
    features: columns.map(
      (name, j): NumericColumn => ({
        kind: 'numeric',
        name,
        values: Float64Array.from({ length: set.rows }, (_, i) => matrix[i * width + j] as number),
        valid: new Uint8Array(set.rows).fill(1),
      }),
    ),
  };
}

function largestGap(a: Float32Array | undefined, b: Float32Array | undefined): number {
  if (!a || !b) return a === b ? 0 : Number.POSITIVE_INFINITY;
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let gap = 0;
  a.forEach((x, i) => {
    const y = b[i] as number;
    gap = Math.max(gap, Math.abs(x - y) / Math.max(1, Math.abs(x)));
  });
  return gap;
}

function sameLabels(a: Int32Array | undefined, b: Int32Array | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Runs the command's model on the encoded rows and the composed model on the
 * same rows raw (the first rows of `set`): their outputs must agree. The
 * command's model failing on the encoded matrix is a UserError naming its
 * input; a disagreement is a bug in the composition.
 */
export async function checkComposition(options: {
  model: Uint8Array;
  composed: Uint8Array;
  encoding: Encoding;
  /** The encoded columns' names, in order. */
  columns: readonly string[];
  spec: ProblemSpec;
  set: TrainingSet;
  label: string;
}): Promise<void> {
  const { spec, encoding, label } = options;
  const raw = headRows(options.set, CHECK_ROWS);
  const encodedSpec = {
    ...spec,
    features: options.columns.map((name) => ({ name, kind: 'numeric' as const })),
  };
  const encoded = encodedSet(encodeSet(encoding, spec.features, raw), options.columns, raw);
  let direct: ColumnPredictions;
  const session = await createSession(options.model, { label, intraOpNumThreads: 1 });
  try {
    direct = await runOnColumns(session, encodedSpec, encoded);
  } catch (err) {
    throw new UserError(
      `${label} fails on the encoded validation rows (float32 [${raw.rows}, ${encoding.width}], the columns of $MODELGATE_FEATURE_MAP): ${errorMessage(err).split('\n')[0]}`,
    );
  } finally {
    await session.release();
  }
  const composedSession = await createSession(options.composed, { label: `${label} (composed)` });
  let composed: ColumnPredictions;
  try {
    composed = await runOnColumns(composedSession, spec, raw);
  } finally {
    await composedSession.release();
  }
  const gaps = {
    probabilities: largestGap(direct.probabilities, composed.probabilities),
    prediction: largestGap(direct.prediction, composed.prediction),
  };
  if (
    !sameLabels(direct.label, composed.label) ||
    gaps.probabilities > COMPOSE_TOLERANCE ||
    gaps.prediction > COMPOSE_TOLERANCE
  ) {
    throw new Error(
      `${label}: the composed model's outputs on raw rows differ from the model's on the encoded rows (probabilities ${gaps.probabilities}, prediction ${gaps.prediction}, labels ${sameLabels(direct.label, composed.label) ? 'equal' : 'differ'})`,
    );
  }
}
