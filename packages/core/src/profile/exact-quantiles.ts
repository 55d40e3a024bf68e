import { PROFILE_QUANTILES, type QuantileName, type Quantiles } from './types.js';

/**
 * Quantiles of values given with their counts, interpolated linearly between
 * neighbouring order statistics (DuckDB's quantile_cont, numpy's default).
 */
export function exactQuantiles(valueCounts: readonly [number, number][]): Quantiles | null {
  const sorted = [...valueCounts].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  /** The value at 0-based position `rank` in sorted order. */
  const at = (rank: number): number => {
    let seen = 0;
    for (const [value, n] of sorted) {
      seen += n;
      if (rank < seen) return value;
    }
    return sorted[sorted.length - 1]?.[0] ?? Number.NaN;
  };
  const out = {} as Quantiles;
  for (const [name, q] of Object.entries(PROFILE_QUANTILES) as [QuantileName, number][]) {
    const position = q * (total - 1);
    const below = Math.floor(position);
    const lower = at(below);
    out[name] = position === below ? lower : lower + (position - below) * (at(below + 1) - lower);
  }
  return out;
}
