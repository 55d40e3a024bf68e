import { gatherRows } from '@modelgate/core';
import { type Calibrator, calibrate } from './calibration.js';
import { estimateClassification } from './cbpe.js';
import { argmax, labeledRows, realizedMetrics } from './metrics.js';
import type { MetricValues, ModelOutputs, PerformanceMetric, RowLabels } from './types.js';

/** What performance monitoring gets for the current rows (all arrays in row order). */
export interface PerformanceInput {
  outputs: ModelOutputs;
  /** Late labels joined to the rows; null without --labels. */
  labels: RowLabels | null;
  /** Fitted on reference predictions with labels; null reads the probabilities as they are. */
  calibrator: Calibrator | null;
  /** The registered holdout metrics to compare with. */
  holdout: Partial<Record<PerformanceMetric, number>>;
  sources: { labels?: string; calibration?: string; holdout?: string };
  /** Rows in the labels file, and how many of them matched a current row. */
  labelFile?: { rows: number; matched: number };
}

export interface ChunkPerformance {
  rows: number;
  labeled: number;
  realized: MetricValues;
  /** CBPE estimates (classifiers with probabilities). */
  estimated: MetricValues;
  /**
   * Rows with a null model output (the log writes a NaN as null): left out of the estimates, and
   * of the realized metrics when they have no predicted class either; absent when none.
   */
  unscored?: number;
}

function finiteRow(p: Float32Array | Float64Array, classes: number, i: number): boolean {
  for (let k = 0; k < classes; k++) if (!Number.isFinite(p[i * classes + k] as number)) return false;
  return true;
}

/**
 * Per row: 2 when every output the metrics read is there, 1 when only the predicted class is (a
 * label beside null probabilities), 0 when the row has no predicted class (a null label, or no
 * label column and null probabilities or prediction).
 */
export function outputMask(outputs: ModelOutputs): Uint8Array {
  if (outputs.task === 'regression') {
    return Uint8Array.from(outputs.prediction ?? [], (p) => (Number.isFinite(p) ? 2 : 0));
  }
  const classes = outputs.classes.length;
  const p = outputs.probabilities;
  const rows = p ? p.length / classes : (outputs.yPred?.length ?? 0);
  const mask = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const finite = p === undefined || finiteRow(p, classes, i);
    if (outputs.yPred === undefined) mask[i] = finite ? 2 : 0;
    else if ((outputs.yPred[i] as number) < 0) mask[i] = 0;
    else mask[i] = finite ? 2 : 1;
  }
  return mask;
}

export interface PerformanceAssessment {
  chunks: ChunkPerformance[];
  window: ChunkPerformance;
}

/**
 * Realized metrics on each chunk's labeled rows and CBPE estimates on all
 * its rows. `chunkOf` gives each row's chunk (−1: in none).
 */
export function assessPerformance(
  input: PerformanceInput,
  chunkOf: Int32Array,
  chunkCount: number,
): PerformanceAssessment {
  const { outputs, labels } = input;
  const classes = outputs.classes.length;
  const probabilities = outputs.task === 'regression' ? undefined : outputs.probabilities;
  const yPred = probabilities ? (outputs.yPred ?? argmax(probabilities, classes)) : outputs.yPred;
  const withPred: ModelOutputs = yPred ? { ...outputs, yPred } : outputs;
  const calibrated = probabilities ? calibrate(input.calibrator, probabilities, classes) : null;
  const members: number[][] = Array.from({ length: chunkCount }, () => []);
  chunkOf.forEach((c, row) => {
    if (c >= 0) members[c]?.push(row);
  });
  const mask = outputMask(outputs);
  const measure = (rows: Int32Array): ChunkPerformance => {
    const predicted = rows.filter((r) => (mask[r] as number) >= 1);
    const labeled = labels ? labeledRows(labels, predicted) : new Int32Array(0);
    const realized = labels ? realizedMetrics(withPred, labels, labeled) : {};
    const complete = labeled.filter((r) => mask[r] === 2);
    if (labels && probabilities && complete.length < labeled.length) {
      // ROC AUC ranks by the probabilities: only rows that have them.
      realized.roc_auc = realizedMetrics(withPred, labels, complete).roc_auc ?? null;
    }
    let estimated: MetricValues = {};
    if (probabilities && calibrated && yPred) {
      const scored = rows.filter((r) => mask[r] === 2);
      const raw = gatherRows(probabilities, scored, classes);
      const q = gatherRows(calibrated, scored, classes) as Float64Array;
      estimated = estimateClassification(raw, q, classes, gatherRows(yPred, scored, 1) as Int32Array);
    }
    const unscored = rows.filter((r) => mask[r] !== 2).length;
    return {
      rows: rows.length,
      labeled: labeled.length,
      realized,
      estimated,
      ...(unscored > 0 ? { unscored } : {}),
    };
  };
  return {
    chunks: members.map((rows) => measure(Int32Array.from(rows))),
    window: measure(Int32Array.from(members.flat()).sort()),
  };
}
