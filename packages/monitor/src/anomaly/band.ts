/** How many standard deviations from the baseline mean a chunk may be before it is an anomaly. */
export const DEFAULT_SIGMA = 3;
/** Fewer baseline values than this give no band: a standard deviation of two values says little. */
export const MIN_BASELINE_VALUES = 3;

/** Scores where only high values are bad (drift, outliers) alert above the band only; performance below it. */
export type Direction = 'upper' | 'lower' | 'both';

export interface Band {
  mean: number;
  /** Sample standard deviation (n − 1) of the baseline values. */
  std: number;
  lower: number;
  upper: number;
  /** Baseline values used. */
  values: number;
}

export function bandOf(values: readonly number[], sigma = DEFAULT_SIGMA): Band | null {
  const n = values.length;
  if (n < MIN_BASELINE_VALUES) return null;
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const std = Math.sqrt(values.reduce((s, x) => s + (x - mean) * (x - mean), 0) / (n - 1));
  return { mean, std, lower: mean - sigma * std, upper: mean + sigma * std, values: n };
}

/** Outside the band, beyond rounding noise: a constant baseline must not alert on 1e-16. */
export function outside(value: number, band: Band, direction: Direction): boolean {
  const slack = 1e-9 * Math.max(1, Math.abs(band.mean));
  const above = direction !== 'lower' && value > band.upper + slack;
  return above || (direction !== 'upper' && value < band.lower - slack);
}
