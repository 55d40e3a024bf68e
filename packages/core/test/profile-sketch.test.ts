import { describe, expect, it } from 'vitest';
import { cdf, mergeSketches, quantile, sketchBins, sketchCount } from '../src/index.js';
import { sketchFromBuckets, sketchGamma } from '../src/profile/sketch.js';

const ACCURACY = 0.01;
const logGamma = Math.log(sketchGamma(ACCURACY));

/** Buckets the way the profile query does, for checking the sketch against known values. */
function sketchOf(values: number[], maxBins?: number) {
  const buckets = values.map((x) => ({
    sign: Math.sign(x),
    index: x === 0 ? null : Math.ceil(Math.log(Math.abs(x)) / logGamma),
    count: 1,
  }));
  return sketchFromBuckets(ACCURACY, buckets, maxBins);
}

const values = Array.from({ length: 2001 }, (_, i) => (i - 1000) * 0.37 + (i % 7));
const sorted = [...values].sort((a, b) => a - b);

describe('quantile sketch', () => {
  it('answers every quantile within its relative accuracy', () => {
    const sketch = sketchOf(values);
    expect(sketchCount(sketch)).toBe(values.length);
    for (let q = 0; q <= 1; q += 0.05) {
      const truth = sorted[Math.floor(q * (sorted.length - 1))] as number;
      expect(Math.abs((quantile(sketch, q) as number) - truth)).toBeLessThanOrEqual(
        ACCURACY * Math.abs(truth),
      );
    }
    expect(quantile(sketchOf([]), 0.5)).toBeNull();
    expect(() => quantile(sketch, 1.5)).toThrow(RangeError);
  });

  it('gives a CDF between the true CDF at x/γ and x·γ', () => {
    const sketch = sketchOf(values);
    const gamma = sketchGamma(ACCURACY);
    const trueCdf = (x: number) => sorted.filter((v) => v <= x).length / sorted.length;
    for (const x of [-300, -12.5, -0.5, 0, 3, 47.1, 250, 400]) {
      const [lo, hi] = x >= 0 ? [x / gamma, x * gamma] : [x * gamma, x / gamma];
      const estimate = cdf(sketch, x) as number;
      expect(estimate).toBeGreaterThanOrEqual(trueCdf(lo) - 1e-12);
      expect(estimate).toBeLessThanOrEqual(trueCdf(hi) + 1e-12);
    }
    expect(cdf(sketch, -1e9)).toBe(0);
    expect(cdf(sketch, 1e9)).toBe(1);
  });

  it('lists its buckets in ascending order of value', () => {
    const bins = sketchBins(sketchOf([-5, -1, 0, 0, 2, 9]));
    expect(bins.map((b) => b.count)).toEqual([1, 1, 2, 1, 1]);
    for (let i = 1; i < bins.length; i++)
      expect(bins[i]?.value).toBeGreaterThan(bins[i - 1]?.value as number);
    for (const b of bins) expect(b.lower <= b.value && b.value <= b.upper).toBe(true);
  });

  it('merges to exactly the sketch of the union, also when buckets are collapsed', () => {
    const left = values.filter((_, i) => i % 3 === 0);
    const right = values.filter((_, i) => i % 3 !== 0);
    expect(mergeSketches(sketchOf(left), sketchOf(right))).toEqual(sketchOf(values));
    const maxBins = 40;
    const collapsed = mergeSketches(sketchOf(left, maxBins), sketchOf(right, maxBins));
    expect(collapsed).toEqual(sketchOf(values, maxBins));
    expect(collapsed.positive.length).toBe(maxBins);
    expect(sketchCount(collapsed)).toBe(values.length);
    // Collapsing coarsens only the values nearest zero: upper quantiles keep their accuracy.
    const truth = sorted[Math.floor(0.9 * (sorted.length - 1))] as number;
    expect(Math.abs((quantile(collapsed, 0.9) as number) - truth)).toBeLessThanOrEqual(ACCURACY * truth);
  });

  it('refuses to merge sketches of different accuracy', () => {
    const other = sketchFromBuckets(0.02, [{ sign: 1, index: 3, count: 1 }]);
    expect(() => mergeSketches(sketchOf([1]), other)).toThrow(/relative accuracy 0\.01 .* and 0\.02/);
  });
});
