/** A fitted non-decreasing step function, read by linear interpolation between its knots (scikit-learn's IsotonicRegression, out_of_bounds="clip"). */
export interface IsotonicFit {
  x: Float64Array;
  y: Float64Array;
}

/**
 * Isotonic regression of `y` on `x` by pool-adjacent-violators: equal x
 * values are pooled first (their mean y), then neighbouring blocks merge
 * while they decrease.
 */
export function fitIsotonic(x: ArrayLike<number>, y: ArrayLike<number>): IsotonicFit {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (x[a] as number) - (x[b] as number));
  const knots: number[] = [];
  const sums: number[] = [];
  const weights: number[] = [];
  for (const i of order) {
    const xi = x[i] as number;
    if (knots.length > 0 && knots[knots.length - 1] === xi) {
      sums[sums.length - 1] = (sums[sums.length - 1] as number) + (y[i] as number);
      weights[weights.length - 1] = (weights[weights.length - 1] as number) + 1;
    } else {
      knots.push(xi);
      sums.push(y[i] as number);
      weights.push(1);
    }
  }
  // Blocks of knots [start, end) with their pooled mean.
  const starts: number[] = [];
  const means: number[] = [];
  const blockWeights: number[] = [];
  for (let k = 0; k < knots.length; k++) {
    starts.push(k);
    means.push((sums[k] as number) / (weights[k] as number));
    blockWeights.push(weights[k] as number);
    while (means.length > 1 && (means[means.length - 2] as number) > (means[means.length - 1] as number)) {
      const w2 = blockWeights.pop() as number;
      const m2 = means.pop() as number;
      starts.pop();
      const w1 = blockWeights[blockWeights.length - 1] as number;
      const m1 = means[means.length - 1] as number;
      means[means.length - 1] = (m1 * w1 + m2 * w2) / (w1 + w2);
      blockWeights[blockWeights.length - 1] = w1 + w2;
    }
  }
  const fitted = new Float64Array(knots.length);
  starts.forEach((start, b) => {
    const end = starts[b + 1] ?? knots.length;
    fitted.fill(means[b] as number, start, end);
  });
  return { x: Float64Array.from(knots), y: fitted };
}

/** The fit at `value`: linear between knots, the end values beyond them. */
export function predictIsotonic(fit: IsotonicFit, value: number): number {
  const { x, y } = fit;
  const n = x.length;
  if (n === 0) return value;
  if (value <= (x[0] as number)) return y[0] as number;
  if (value >= (x[n - 1] as number)) return y[n - 1] as number;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((x[mid] as number) <= value) lo = mid;
    else hi = mid;
  }
  const x0 = x[lo] as number;
  const x1 = x[hi] as number;
  const t = (value - x0) / (x1 - x0);
  return (y[lo] as number) + t * ((y[hi] as number) - (y[lo] as number));
}
