import { HISTOGRAM_BINS, histogramEdges } from './distribution-query.js';
import { emptySketch, mergeSketches, type QuantileSketch, quantile, sketchBins } from './sketch.js';
import { mergeValueStats } from './stats.js';
import {
  type Histogram,
  type NumericStats,
  PROFILE_QUANTILES,
  type QuantileName,
  type Quantiles,
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
  distribution: { sketch: QuantileSketch; histogram: Histogram; quantiles?: Quantiles | null } | undefined,
  relativeAccuracy: number,
): NumericStats {
  const sketch = distribution?.sketch ?? emptySketch(relativeAccuracy);
  return {
    ...values,
    quantiles: distribution?.quantiles ?? quantilesFromSketch(sketch, values.min, values.max),
    histogram: distribution?.histogram ?? null,
    sketch,
  };
}

/** Approximate: each sketch bucket lands in the bin of its representative value. */
function histogramFromSketch(sketch: QuantileSketch, min: number, max: number): Histogram {
  const edges = histogramEdges(min, max);
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  const width = max / HISTOGRAM_BINS - min / HISTOGRAM_BINS;
  for (const bin of sketchBins(sketch)) {
    const value = Math.min(max, Math.max(min, bin.value));
    const at =
      width > 0
        ? Math.min(HISTOGRAM_BINS - 1, Math.floor((value / HISTOGRAM_BINS - min / HISTOGRAM_BINS) / width))
        : 0;
    counts[at] = (counts[at] ?? 0) + bin.count;
  }
  return { edges, counts };
}

export function mergeNumericStats(a: NumericStats, b: NumericStats): NumericStats {
  if (b.count === 0 && a.count > 0) return a;
  if (a.count === 0 && b.count > 0) return b;
  const { quantiles: _qa, histogram: _ha, sketch: sa, ...statsA } = a;
  const { quantiles: _qb, histogram: _hb, sketch: sb, ...statsB } = b;
  const values = mergeValueStats(statsA, statsB);
  const sketch = mergeSketches(sa, sb);
  return {
    ...values,
    quantiles: quantilesFromSketch(sketch, values.min, values.max),
    histogram:
      values.min === null || values.max === null ? null : histogramFromSketch(sketch, values.min, values.max),
    sketch,
  };
}
