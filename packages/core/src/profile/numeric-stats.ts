import { HISTOGRAM_BINS, histogramEdges } from './distribution-query.js';
import { exactQuantiles } from './exact-quantiles.js';
import { mergeSketches, type QuantileSketch, quantile, sketchBins } from './sketch.js';
import { mergeValueStats } from './stats.js';
import {
  type Histogram,
  type NumericStats,
  PROFILE_QUANTILES,
  type QuantileName,
  type Quantiles,
  type ValueCounts,
  type ValueStats,
} from './types.js';

/** The profile quantiles read from the sketch, clamped to the exact extremes. */
export function quantilesFromSketch(
  sketch: QuantileSketch,
  min: number | null,
  max: number | null,
): Quantiles | null {
  if (min === null || max === null) return null;
  const out = {} as Quantiles;
  for (const [name, q] of Object.entries(PROFILE_QUANTILES) as [QuantileName, number][]) {
    const value = quantile(sketch, q);
    if (value === null) return null;
    out[name] = Math.min(max, Math.max(min, value));
  }
  return out;
}

export function numericStats(
  values: ValueStats,
  distribution:
    | { sketch: QuantileSketch; histogram: Histogram; quantiles?: Quantiles | null; values?: ValueCounts }
    | undefined,
  empty: QuantileSketch,
  exactValues: number,
): NumericStats {
  const sketch = distribution?.sketch ?? empty;
  const counted = distribution?.values;
  return {
    ...values,
    quantiles: distribution?.quantiles ?? quantilesFromSketch(sketch, values.min, values.max),
    histogram: distribution?.histogram ?? null,
    sketch,
    ...(counted && counted.length <= exactValues ? { values: counted } : {}),
  };
}

/** Counts of (value, weight) pairs in the display bins, binned as the profile query bins values. */
function histogramOf(pairs: Iterable<readonly [number, number]>, min: number, max: number): Histogram {
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  const half = max / 2 - min / 2;
  for (const [x, n] of pairs) {
    const value = Math.min(max, Math.max(min, x));
    const at =
      half > 0
        ? Math.min(Math.floor(((value * 0.5 - min / 2) / half) * HISTOGRAM_BINS), HISTOGRAM_BINS - 1)
        : 0;
    counts[at] = (counts[at] ?? 0) + n;
  }
  return { edges: histogramEdges(min, max), counts };
}

/** Both sides' value counts added, or none when either side has none or the union passes `limit`. */
function mergeValueCounts(a: NumericStats, b: NumericStats, limit: number): ValueCounts | undefined {
  if (!a.values || !b.values) return undefined;
  const [va, vb] = [a.values, b.values];
  const out: ValueCounts = [];
  let [i, j] = [0, 0];
  while (i < va.length || j < vb.length) {
    const x = va[i]?.[0] ?? Number.POSITIVE_INFINITY;
    const y = vb[j]?.[0] ?? Number.POSITIVE_INFINITY;
    const value = Math.min(x, y);
    let n = 0;
    if (x === value) n += (va[i++] as [number, number])[1];
    if (y === value) n += (vb[j++] as [number, number])[1];
    out.push([value, n]);
    if (out.length > limit) return undefined;
  }
  return out;
}

function withinLimit(stats: NumericStats, limit: number): NumericStats {
  if (!stats.values || stats.values.length <= limit) return stats;
  const { values: _dropped, ...rest } = stats;
  return rest;
}

/** `limit`: the most distinct values the merged stats keep exactly. */
export function mergeNumericStats(a: NumericStats, b: NumericStats, limit: number): NumericStats {
  if (b.count === 0 && a.count > 0) return withinLimit(a, limit);
  if (a.count === 0 && b.count > 0) return withinLimit(b, limit);
  const { quantiles: _qa, histogram: _ha, sketch: sa, values: _va, ...statsA } = a;
  const { quantiles: _qb, histogram: _hb, sketch: sb, values: _vb, ...statsB } = b;
  const values = mergeValueStats(statsA, statsB);
  const sketch = mergeSketches(sa, sb);
  const counted = mergeValueCounts(a, b, limit);
  const { min, max } = values;
  const histogram =
    min === null || max === null
      ? null
      : histogramOf(counted ?? sketchBins(sketch).map((bin) => [bin.value, bin.count] as const), min, max);
  return {
    ...values,
    quantiles: counted ? exactQuantiles(counted) : quantilesFromSketch(sketch, min, max),
    histogram,
    sketch,
    ...(counted ? { values: counted } : {}),
  };
}
