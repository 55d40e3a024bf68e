export interface Histogram {
  /** bins + 1 edges; every bin is [lower, upper) but the last, which holds its upper edge too. */
  edges: number[];
  counts: number[];
}

/** numpy.histogram(values, bins=n): equal-width bins over [min, max], widened by 0.5 if they are equal. */
export function histogram(values: ArrayLike<number>, bins: number): Histogram {
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`expected a whole number of bins >= 1, got ${bins}`);
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < first) first = v;
    if (v > last) last = v;
  }
  if (values.length === 0) {
    first = 0;
    last = 1;
  } else if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const step = (last - first) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => i * step + first);
  edges[bins] = last;
  const counts = new Array<number>(bins).fill(0);
  const width = last - first;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    // numpy computes the index by scaling, then corrects it by comparing with the edges.
    let k = Math.trunc(((v - first) / width) * bins);
    if (k === bins) k--;
    if (v < (edges[k] as number)) k--;
    if (k !== bins - 1 && v >= (edges[k + 1] as number)) k++;
    counts[k] = (counts[k] as number) + 1;
  }
  return { edges, counts };
}
