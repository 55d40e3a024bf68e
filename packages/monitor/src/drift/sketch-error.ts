import type { NumericDistribution } from './distribution.js';

interface BucketStep {
  lower: number;
  upper: number;
  /** F_reference − F_current just below the bucket. */
  before: number;
  /** The share of each side inside the bucket. */
  reference: number;
  current: number;
}

/** The buckets of both sides in ascending order; both sketches share one grid, so equal values are one bucket. */
function bucketSteps(a: NumericDistribution, b: NumericDistribution): BucketStep[] {
  const steps: BucketStep[] = [];
  const [va, vb] = [a.values, b.values];
  let [i, j, cumA, cumB] = [0, 0, 0, 0];
  while (i < va.values.length || j < vb.values.length) {
    const x = i < va.values.length ? (va.values[i] as number) : Number.POSITIVE_INFINITY;
    const y = j < vb.values.length ? (vb.values[j] as number) : Number.POSITIVE_INFINITY;
    const value = Math.min(x, y);
    const from = x === value ? { side: a, at: i } : { side: b, at: j };
    const bounds = from.side.buckets as NonNullable<NumericDistribution['buckets']>;
    const step: BucketStep = {
      lower: bounds.lower[from.at] as number,
      upper: bounds.upper[from.at] as number,
      before: cumA / va.total - cumB / vb.total,
      reference: 0,
      current: 0,
    };
    if (x === value) {
      step.reference = (va.weights[i++] as number) / va.total;
      cumA += step.reference * va.total;
    }
    if (y === value) {
      step.current = (vb.weights[j++] as number) / vb.total;
      cumB += step.current * vb.total;
    }
    steps.push(step);
  }
  return steps;
}

/**
 * The sketch KS statistic is the exact one read at bucket boundaries, so it
 * never exceeds it. Inside a bucket F_ref − F_cur stays within
 * [before − current share, before + reference share]; the largest such
 * |value| over the buckets bounds the exact statistic from above. Returns
 * that bound minus the sketch statistic.
 */
export function ksSketchError(
  reference: NumericDistribution,
  current: NumericDistribution,
  statistic: number,
): number {
  let upper = statistic;
  for (const step of bucketSteps(reference, current)) {
    if (step.upper === step.lower) continue;
    upper = Math.max(upper, step.before + step.reference, step.current - step.before);
  }
  return upper - statistic;
}

/**
 * The exact ∫|F_ref − F_cur| lies in [low, high]: between buckets both CDFs
 * are flat and known; inside a bucket their difference stays within
 * [before − current share, before + reference share], clipped to the
 * data's range. The sketch estimate is one distribution pair consistent
 * with the buckets, so it lies in the same interval; returns the larger
 * distance from the estimate to either end.
 */
export function wassersteinSketchError(
  reference: NumericDistribution,
  current: NumericDistribution,
  estimate: number,
): number {
  const min = Math.min(reference.min ?? 0, current.min ?? 0);
  const max = Math.max(reference.max ?? 0, current.max ?? 0);
  const width = (from: number, to: number) => Math.max(0, Math.min(to, max) - Math.max(from, min));
  let [low, high] = [0, 0];
  let previous: { upper: number; after: number } | null = null;
  for (const step of bucketSteps(reference, current)) {
    if (previous) {
      const gap = width(previous.upper, step.lower) * Math.abs(previous.after);
      low += gap;
      high += gap;
    }
    const w = width(step.lower, step.upper);
    const [below, above] = [step.before - step.current, step.before + step.reference];
    high += w * Math.max(Math.abs(below), Math.abs(above));
    low += w * Math.max(0, below, -above);
    previous = { upper: step.upper, after: step.before + step.reference - step.current };
  }
  return Math.max(high - estimate, estimate - low, 0);
}
