/** numpy's _lerp: a + t (b - a), or b - (1 - t)(b - a) when t >= 0.5, which is exact at t = 1. */
function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** The q-quantile of ascending `sorted` with numpy's default ("linear") method. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of an empty array');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`expected a quantile in [0, 1], got ${q}`);
  const position = (n - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, n - 1);
  return lerp(sorted[below] as number, sorted[above] as number, position - below);
}

/** Quantiles of `values` (numpy.quantile, method="linear"); NaN-free input expected. */
export function quantiles(values: ArrayLike<number>, qs: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  return qs.map((q) => quantileSorted(sorted, q));
}
