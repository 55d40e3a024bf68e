import type { WeightedValues } from './weighted.js';

/** The share every bin gets added on both sides when any bin is empty on either side. */
export const EMPTY_BIN_EPSILON = 1e-4;

/**
 * Equal-frequency edges of the reference: edge j (1 ≤ j < bins) is the
 * smallest value with at least j/bins of the total weight at or below it.
 * Ties can make edges coincide; they merge, so heavy ties give fewer bins.
 */
export function equalFrequencyEdges(reference: WeightedValues, bins: number): number[] {
  const edges: number[] = [];
  let cumulative = 0;
  let j = 1;
  for (let i = 0; i < reference.values.length && j < bins; i++) {
    cumulative += reference.weights[i] as number;
    const value = reference.values[i] as number;
    while (j < bins && cumulative * bins >= j * reference.total) {
      if (edges[edges.length - 1] !== value) edges.push(value);
      j++;
    }
  }
  return edges;
}

/** Weight per bin: bin i holds values in (edges[i-1], edges[i]], the outer bins open-ended. */
export function binWeights(sample: WeightedValues, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let bin = 0;
  for (let i = 0; i < sample.values.length; i++) {
    const value = sample.values[i] as number;
    while (bin < edges.length && value > (edges[bin] as number)) bin++;
    counts[bin] = (counts[bin] as number) + (sample.weights[i] as number);
  }
  return counts;
}

export interface BinShares {
  /** Counts of the bins kept (a bin empty on both sides carries nothing and is dropped). */
  reference: number[];
  current: number[];
  /** Shares of each side, smoothed when `smoothed`. */
  p: number[];
  q: number[];
  smoothed: boolean;
  /** Indexes of the kept bins among the input bins. */
  kept: number[];
}

/**
 * Shares of two count vectors over the same bins, with one symmetric rule
 * for empty bins: if a kept bin is empty on either side, every bin of both
 * sides gets EMPTY_BIN_EPSILON added to its share, then each side is
 * renormalised. Every binned statistic (chi-squared, PSI, KL, JS, Hellinger)
 * uses these shares, so none divides by zero and none favours one side.
 */
export function binShares(
  reference: readonly number[],
  current: readonly number[],
  epsilon = EMPTY_BIN_EPSILON,
): BinShares {
  const kept = reference.flatMap((r, i) => (r > 0 || (current[i] as number) > 0 ? [i] : []));
  const ref = kept.map((i) => reference[i] as number);
  const cur = kept.map((i) => current[i] as number);
  const [nRef, nCur] = [ref.reduce((s, x) => s + x, 0), cur.reduce((s, x) => s + x, 0)];
  const smoothed = ref.some((x) => x === 0) || cur.some((x) => x === 0);
  const share = (x: number, n: number) =>
    smoothed ? (x / n + epsilon) / (1 + kept.length * epsilon) : x / n;
  return {
    reference: ref,
    current: cur,
    p: ref.map((x) => share(x, nRef)),
    q: cur.map((x) => share(x, nCur)),
    smoothed,
    kept,
  };
}
