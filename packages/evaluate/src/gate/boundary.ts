/**
 * Relative tolerance for ties with a threshold: far above float rounding
 * (0.82 - 0.81 is 0.009999999999999898), far below one row of any holdout
 * (1e-12 would take a trillion rows), so it only ever decides exact ties.
 */
function slack(...values: number[]): number {
  return 1e-12 * Math.max(1, ...values.map(Math.abs));
}

/** value >= threshold, as documented for min, max, min_improvement and per_slice: a tie passes. */
export function atLeast(value: number, threshold: number): boolean {
  return value >= threshold - slack(value, threshold);
}

/** value > threshold, as documented for non-inferiority's bound: a tie fails, rounding included (the safe side). */
export function above(value: number, threshold: number): boolean {
  return value > threshold + slack(value, threshold);
}
