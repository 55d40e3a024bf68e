/**
 * A float32 cut between two float32 values a < b: `x <= cut` holds for a and
 * not for b, so the in-memory model and an ONNX graph comparing float32 agree.
 */
export function cutBetween(a: number, b: number): number {
  const mid = Math.fround(a / 2 + b / 2);
  return mid >= b || mid < a ? a : mid;
}

/** Sorted float32 copies of the present values (valid and not NaN). */
export function sortedPresent(values: Float64Array, valid: Uint8Array): Float64Array {
  let n = 0;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.fround(values[i] as number);
    if (valid[i] === 1 && !Number.isNaN(v)) out[n++] = v;
  }
  return out.subarray(0, n).sort();
}

/**
 * Upper bounds (float32 values, strictly increasing) of at most `maxBins` bins
 * over sorted values: between distinct values when there are few, otherwise
 * at quantiles (midpoint percentiles, as scikit-learn's HistGradientBoosting
 * bins). A value x falls in the first bin b with x <= bounds[b], or the last.
 */
export function binUpperBounds(sorted: Float64Array, maxBins: number): Float64Array {
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i] as number;
    if (i === 0 || v !== sorted[i - 1]) distinct.push(v);
    if (distinct.length > maxBins) break;
  }
  const cuts: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 1; i < distinct.length; i++)
      cuts.push(cutBetween(distinct[i - 1] as number, distinct[i] as number));
    return Float64Array.from(cuts);
  }
  const last = sorted.length - 1;
  for (let q = 1; q < maxBins; q++) {
    const position = (q / maxBins) * last;
    const lo = sorted[Math.floor(position)] as number;
    const hi = sorted[Math.ceil(position)] as number;
    const cut = lo === hi ? lo : cutBetween(lo, hi);
    if (cuts.length === 0 || cut > (cuts[cuts.length - 1] as number)) cuts.push(cut);
  }
  // A cut at the largest value would leave the last bin empty.
  if (cuts.length > 0 && (cuts[cuts.length - 1] as number) >= (sorted[last] as number)) cuts.pop();
  return Float64Array.from(cuts);
}

/** The bin of a present float32 value: the first b with x <= bounds[b], else bounds.length. */
export function binOf(bounds: Float64Array, x: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= (bounds[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
