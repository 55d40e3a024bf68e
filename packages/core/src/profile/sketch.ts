import { UserError } from '../errors.js';

/** `[bucket index, count]`, ascending by index, counts > 0. */
export type SketchBins = [number, number][];

/**
 * A DDSketch-style quantile sketch (Masson, Rim, Lee: "DDSketch", VLDB 2019):
 * a histogram over logarithmic buckets. With γ = (1 + α) / (1 - α), bucket i
 * of `positive` holds the values x in (γ^(i-1), γ^i], bucket i of `negative`
 * the values -x, and `zeros` counts exact zeros.
 *
 * Error: `quantile()` returns a value within α·|v| of the true quantile v
 * (relative accuracy α: 1% for numeric columns; version-1 profiles used
 * 0.01% of epoch milliseconds, about a day now, for datetimes). `cdf(x)` lies between the true CDF at
 * x/γ and at x·γ (the mirror for x < 0). The error is relative to the value,
 * not its spread: for data far from zero with a narrow range (years, Kelvin)
 * one bucket spans much of the data.
 *
 * Merging adds counts per bucket, so merge(sketch(A), sketch(B)) equals
 * sketch(A ∪ B) exactly. Each store keeps at most `maxBins` buckets; beyond
 * that the lowest are folded into the lowest kept one (as DDSketch's
 * collapsing-lowest store does), which coarsens only values nearest zero and
 * still commutes with merging.
 *
 * Datetimes use a time grid instead (`width` set, `relativeAccuracy` 0):
 * bucket i of `positive` holds the epoch milliseconds in [i·width,
 * (i + 1)·width). The grid is absolute (no origin), so profiles of any two
 * periods merge exactly; width is one minute times a power of two, the
 * smallest that occupies at most `maxBins` buckets (a month of minutes
 * fits), so grids nest and a merge coarsens the finer side exactly.
 */
export interface QuantileSketch {
  relativeAccuracy: number;
  maxBins: number;
  /** Time grids only: the bucket width in milliseconds. */
  width?: number;
  zeros: number;
  positive: SketchBins;
  negative: SketchBins;
}

export const NUMERIC_SKETCH_ACCURACY = 0.01;
export const MAX_SKETCH_BINS = 4096;
/** The finest time grid: one minute. */
export const TIME_SKETCH_UNIT_MS = 60_000;
/** Up to this many occupied buckets a time grid stays at its width: 45 days of minutes, or 179 years of days. */
export const MAX_TIME_SKETCH_BINS = 65_536;

export function sketchGamma(relativeAccuracy: number): number {
  return (1 + relativeAccuracy) / (1 - relativeAccuracy);
}

/** ln γ: the SQL computing bucket indexes is `ceil(ln(abs(x)) / lnGamma)`. */
export function sketchLogGamma(relativeAccuracy: number): number {
  return Math.log(sketchGamma(relativeAccuracy));
}

export function emptySketch(relativeAccuracy: number, maxBins = MAX_SKETCH_BINS): QuantileSketch {
  return { relativeAccuracy, maxBins, zeros: 0, positive: [], negative: [] };
}

export function emptyTimeSketch(maxBins = MAX_TIME_SKETCH_BINS): QuantileSketch {
  return { relativeAccuracy: 0, maxBins, width: TIME_SKETCH_UNIT_MS, zeros: 0, positive: [], negative: [] };
}

/** A sketch of no values on the same grid as `sketch`. */
export function emptyLike(sketch: QuantileSketch): QuantileSketch {
  return { ...sketch, zeros: 0, positive: [], negative: [] };
}

function regrid(bins: SketchBins, from: number, to: number): Map<number, number> {
  const counts = new Map<number, number>();
  const factor = to / from;
  for (const [i, n] of bins) {
    const at = Math.floor(i / factor);
    counts.set(at, (counts.get(at) ?? 0) + n);
  }
  return counts;
}

/** A time grid at `width` (a power-of-two multiple of its own): exact, since the grids nest. */
export function coarsenTimeSketch(sketch: QuantileSketch, width: number): QuantileSketch {
  const own = sketch.width ?? width;
  if (own >= width) return sketch;
  return { ...sketch, width, positive: sortedBins(regrid(sketch.positive, own, width)) };
}

/**
 * Doubles the width until at most maxBins buckets are occupied. Occupancy
 * only falls as the width grows and a union occupies at least what each part
 * does, so a merge lands on the width one profile of all the rows gets.
 */
function fitTimeSketch(counts: Map<number, number>, width: number, maxBins: number): QuantileSketch {
  let bins = sortedBins(counts);
  let w = width;
  while (bins.length > maxBins) {
    bins = sortedBins(regrid(bins, w, w * 2));
    w *= 2;
  }
  return { relativeAccuracy: 0, maxBins, width: w, zeros: 0, positive: bins, negative: [] };
}

/** A time grid from counts per one-minute bucket (index = floor(epoch ms / 60 000)). */
export function timeSketchFromMinutes(
  minutes: Iterable<{ index: number; count: number }>,
  maxBins = MAX_TIME_SKETCH_BINS,
): QuantileSketch {
  const counts = new Map<number, number>();
  for (const { index, count } of minutes) counts.set(index, (counts.get(index) ?? 0) + count);
  return fitTimeSketch(counts, TIME_SKETCH_UNIT_MS, maxBins);
}

function collapseLowest(bins: SketchBins, maxBins: number): SketchBins {
  if (bins.length <= maxBins) return bins;
  const cut = bins.length - maxBins;
  const kept = bins.slice(cut).map(([i, n]): [number, number] => [i, n]);
  const first = kept[0];
  if (first) for (const [, n] of bins.slice(0, cut)) first[1] += n;
  return kept;
}

function sortedBins(counts: Map<number, number>): SketchBins {
  return [...counts.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
}

/** A sketch from bucket counts as the profile query returns them (sign -1/0/1, index, count). */
export function sketchFromBuckets(
  relativeAccuracy: number,
  buckets: Iterable<{ sign: number; index: number | null; count: number }>,
  maxBins = MAX_SKETCH_BINS,
): QuantileSketch {
  const positive = new Map<number, number>();
  const negative = new Map<number, number>();
  let zeros = 0;
  for (const { sign, index, count } of buckets) {
    if (sign === 0 || index === null) zeros += count;
    else {
      const store = sign > 0 ? positive : negative;
      store.set(index, (store.get(index) ?? 0) + count);
    }
  }
  return {
    relativeAccuracy,
    maxBins,
    zeros,
    positive: collapseLowest(sortedBins(positive), maxBins),
    negative: collapseLowest(sortedBins(negative), maxBins),
  };
}

function addBins(a: SketchBins, b: SketchBins): Map<number, number> {
  const counts = new Map<number, number>(a);
  for (const [i, n] of b) counts.set(i, (counts.get(i) ?? 0) + n);
  return counts;
}

export function mergeSketches(a: QuantileSketch, b: QuantileSketch): QuantileSketch {
  if (a.width !== undefined && b.width !== undefined) {
    const width = Math.max(a.width, b.width);
    const [ca, cb] = [coarsenTimeSketch(a, width), coarsenTimeSketch(b, width)];
    return fitTimeSketch(addBins(ca.positive, cb.positive), width, Math.min(a.maxBins, b.maxBins));
  }
  if (a.relativeAccuracy !== b.relativeAccuracy || a.maxBins !== b.maxBins) {
    throw new UserError(
      `cannot merge quantile sketches of relative accuracy ${a.relativeAccuracy} (${a.maxBins} bins) and ${b.relativeAccuracy} (${b.maxBins} bins).`,
    );
  }
  return {
    relativeAccuracy: a.relativeAccuracy,
    maxBins: a.maxBins,
    zeros: a.zeros + b.zeros,
    positive: collapseLowest(sortedBins(addBins(a.positive, b.positive)), a.maxBins),
    negative: collapseLowest(sortedBins(addBins(a.negative, b.negative)), a.maxBins),
  };
}

export function sketchCount(sketch: QuantileSketch): number {
  let total = sketch.zeros;
  for (const [, n] of sketch.positive) total += n;
  for (const [, n] of sketch.negative) total += n;
  return total;
}

/** One bucket as a value interval: (lower, upper] for positive values, [lower, upper) for negative and on a time grid. */
export interface SketchBin {
  lower: number;
  upper: number;
  /** The value quantile() returns for this bucket: within α of every value in it. */
  value: number;
  count: number;
}

/** The buckets in ascending order of value: what PSI or a binned divergence needs. */
export function sketchBins(sketch: QuantileSketch): SketchBin[] {
  const { width } = sketch;
  if (width !== undefined) {
    return sketch.positive.map(([i, count]) => ({
      lower: i * width,
      upper: (i + 1) * width,
      value: (i + 0.5) * width,
      count,
    }));
  }
  const gamma = sketchGamma(sketch.relativeAccuracy);
  const representative = (i: number) => (2 * gamma ** i) / (gamma + 1);
  const out: SketchBin[] = [];
  for (let j = sketch.negative.length - 1; j >= 0; j--) {
    const [i, count] = sketch.negative[j] as [number, number];
    out.push({ lower: -(gamma ** i), upper: -(gamma ** (i - 1)), value: -representative(i), count });
  }
  if (sketch.zeros > 0) out.push({ lower: 0, upper: 0, value: 0, count: sketch.zeros });
  for (const [i, count] of sketch.positive) {
    out.push({ lower: gamma ** (i - 1), upper: gamma ** i, value: representative(i), count });
  }
  return out;
}

/** The q-quantile (0 ≤ q ≤ 1) within the relative accuracy (half a bucket on a time grid); null for an empty sketch. */
export function quantile(sketch: QuantileSketch, q: number): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
  const bins = sketchBins(sketch);
  const total = bins.reduce((sum, b) => sum + b.count, 0);
  if (total === 0) return null;
  const rank = q * (total - 1);
  let seen = 0;
  for (const bin of bins) {
    seen += bin.count;
    if (seen > rank) return bin.value;
  }
  return bins[bins.length - 1]?.value ?? null;
}

/** The share of values ≤ x, interpolated linearly inside the bucket holding x; null for an empty sketch. */
export function cdf(sketch: QuantileSketch, x: number): number | null {
  const bins = sketchBins(sketch);
  const total = bins.reduce((sum, b) => sum + b.count, 0);
  if (total === 0) return null;
  let below = 0;
  for (const bin of bins) {
    if (bin.upper <= x) below += bin.count;
    else {
      if (bin.lower < x) below += (bin.count * (x - bin.lower)) / (bin.upper - bin.lower);
      break;
    }
  }
  return below / total;
}
