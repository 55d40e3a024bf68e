/**
 * A distribution as distinct values in ascending order with their weights
 * (counts): raw samples with duplicates collapsed, or the buckets of a
 * quantile sketch at their representative values. Every numeric statistic
 * reads this one shape, so the exact and the sketch paths share their code.
 */
export interface WeightedValues {
  values: Float64Array;
  weights: Float64Array;
  total: number;
}

/** The finite values of `samples`, sorted, duplicates collapsed into weights. */
export function weightedFromSamples(samples: ArrayLike<number>): WeightedValues {
  const sorted = new Float64Array(samples.length);
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i] as number;
    if (Number.isFinite(x)) sorted[total++] = x;
  }
  const finite = sorted.subarray(0, total).sort();
  const values = new Float64Array(total);
  const weights = new Float64Array(total);
  let distinct = 0;
  for (let i = 0; i < total; i++) {
    const x = finite[i] as number;
    if (distinct > 0 && values[distinct - 1] === x)
      weights[distinct - 1] = (weights[distinct - 1] as number) + 1;
    else {
      values[distinct] = x;
      weights[distinct++] = 1;
    }
  }
  return { values: values.slice(0, distinct), weights: weights.slice(0, distinct), total };
}

/** Values and weights already ascending and distinct (a sketch's buckets). */
export function weightedFromPairs(pairs: readonly (readonly [number, number])[]): WeightedValues {
  const values = new Float64Array(pairs.length);
  const weights = new Float64Array(pairs.length);
  let total = 0;
  pairs.forEach(([value, weight], i) => {
    values[i] = value;
    weights[i] = weight;
    total += weight;
  });
  return { values, weights, total };
}

/**
 * Walks the union of both value sets in ascending order, calling `visit`
 * with each value and the cumulative weight of each side at or below it.
 */
export function walkUnion(
  a: WeightedValues,
  b: WeightedValues,
  visit: (value: number, cumulativeA: number, cumulativeB: number) => void,
): void {
  let i = 0;
  let j = 0;
  let cumA = 0;
  let cumB = 0;
  while (i < a.values.length || j < b.values.length) {
    const va = i < a.values.length ? (a.values[i] as number) : Number.POSITIVE_INFINITY;
    const vb = j < b.values.length ? (b.values[j] as number) : Number.POSITIVE_INFINITY;
    const value = Math.min(va, vb);
    if (va === value) cumA += a.weights[i++] as number;
    if (vb === value) cumB += b.weights[j++] as number;
    visit(value, cumA, cumB);
  }
}
