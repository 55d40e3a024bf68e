/** One non-empty bin of a reliability diagram. */
export interface ReliabilityBin {
  /** Index of the bin among the nBins equal-width bins of [0, 1]. */
  bin: number;
  lower: number;
  upper: number;
  count: number;
  /** Mean of the outcome (1 = positive / correct) in the bin. */
  fractionPositive: number;
  /** Mean predicted probability (confidence) in the bin. */
  meanPredicted: number;
}

/** Edges 0, 1/n, ..., 1 computed as numpy.linspace does (i * step, the last exactly 1). */
export function uniformEdges(nBins: number): Float64Array {
  const edges = new Float64Array(nBins + 1);
  const step = 1 / nBins;
  for (let i = 0; i < nBins; i++) edges[i] = i * step;
  edges[nBins] = 1;
  return edges;
}

/** Number of inner edges below p: bins are (lower, upper], the first also holds 0 (numpy searchsorted, left). */
export function binOf(p: number, edges: Float64Array): number {
  let lo = 1;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((edges[mid] as number) < p) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export function checkBinCount(nBins: number): void {
  if (!Number.isInteger(nBins) || nBins < 1)
    throw new RangeError(`expected a whole number of bins >= 1, got ${nBins}`);
}

/**
 * The bins of scikit-learn's calibration_curve(strategy="uniform"), with
 * their counts; empty bins are left out as there.
 */
export function reliabilityBins(
  outcome: ArrayLike<number>,
  confidence: ArrayLike<number>,
  nBins: number,
): { edges: Float64Array; bins: ReliabilityBin[] } {
  checkBinCount(nBins);
  const edges = uniformEdges(nBins);
  const count = new Float64Array(nBins);
  const positive = new Float64Array(nBins);
  const predicted = new Float64Array(nBins);
  for (let i = 0; i < confidence.length; i++) {
    const p = confidence[i] as number;
    const b = binOf(p, edges);
    count[b] = (count[b] as number) + 1;
    positive[b] = (positive[b] as number) + (outcome[i] as number);
    predicted[b] = (predicted[b] as number) + p;
  }
  const bins: ReliabilityBin[] = [];
  for (let b = 0; b < nBins; b++) {
    const n = count[b] as number;
    if (n === 0) continue;
    bins.push({
      bin: b,
      lower: edges[b] as number,
      upper: edges[b + 1] as number,
      count: n,
      fractionPositive: (positive[b] as number) / n,
      meanPredicted: (predicted[b] as number) / n,
    });
  }
  return { edges, bins };
}
