import type { ThresholdCounts } from './ranking.js';

/**
 * A score column sorted once: each row's dense rank among the distinct
 * scores, highest first. The threshold counts of any resample of the rows
 * then take one pass instead of a sort, which is what makes a bootstrap of
 * ROC AUC affordable.
 */
export class RankedColumn {
  private readonly rank: Int32Array;
  private readonly distinct: Float64Array;

  constructor(scores: Float64Array) {
    const n = scores.length;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => (scores[b] as number) - (scores[a] as number));
    this.rank = new Int32Array(n);
    const distinct: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = order[i] as number;
      const score = scores[row] as number;
      if (distinct.length === 0 || distinct[distinct.length - 1] !== score) distinct.push(score);
      this.rank[row] = distinct.length - 1;
    }
    this.distinct = Float64Array.from(distinct);
  }

  /** thresholdCounts of the rows `rows` (repeats allowed), with `positive` per original row. */
  counts(rows: Int32Array, positive: Uint8Array): ThresholdCounts {
    const groups = this.distinct.length;
    const total = new Float64Array(groups);
    const positives = new Float64Array(groups);
    const rank = this.rank;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as number;
      const g = rank[r] as number;
      total[g] = (total[g] as number) + 1;
      positives[g] = (positives[g] as number) + (positive[r] as number);
    }
    // Reuse the two buffers for the output: entry m is written after group g >= m was read.
    const thresholds = new Float64Array(groups);
    let m = 0;
    let tp = 0;
    let seen = 0;
    for (let g = 0; g < groups; g++) {
      const count = total[g] as number;
      if (count === 0) continue;
      tp += positives[g] as number;
      seen += count;
      positives[m] = tp;
      total[m] = seen - tp;
      thresholds[m] = this.distinct[g] as number;
      m++;
    }
    return {
      fps: total.subarray(0, m),
      tps: positives.subarray(0, m),
      thresholds: thresholds.subarray(0, m),
    };
  }
}
