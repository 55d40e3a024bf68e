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
  const measure = (rows: Int32Array): ChunkPerformance => {
    const labeled = labels ? labeledRows(labels, rows) : new Int32Array(0);
    const realized = labels ? realizedMetrics(withPred, labels, labeled) : {};
    let estimated: MetricValues = {};
    if (probabilities && calibrated && yPred) {
      const raw = gatherRows(probabilities, rows, classes);
      const q = gatherRows(calibrated, rows, classes) as Float64Array;
      estimated = estimateClassification(raw, q, classes, gatherRows(yPred, rows, 1) as Int32Array);
    }
    return { rows: rows.length, labeled: labeled.length, realized, estimated };
  };
  return {
    chunks: members.map((rows) => measure(Int32Array.from(rows))),
    window: measure(Int32Array.from(members.flat()).sort()),
  };
}
