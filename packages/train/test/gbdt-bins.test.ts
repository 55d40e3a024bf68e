import type { NumericColumn } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { binSet, categoricalBins, fitBinMapper } from '../src/gbdt/binning.js';
import { binOf, binUpperBounds, cutBetween, sortedPresent } from '../src/gbdt/thresholds.js';
import type { ProblemSpec, TrainingSet } from '../src/types.js';

const f32 = Math.fround;

function numeric(values: number[], valid?: number[]): NumericColumn {
  return {
    kind: 'numeric',
    name: 'x',
    values: Float64Array.from(values, f32),
    valid: Uint8Array.from(valid ?? values.map(() => 1)),
  };
}

describe('gbdt bin thresholds', () => {
  it('cuts between two float32 neighbours with a float32 that separates them', () => {
    const a = f32(0.1);
    const b = f32(a + 2 ** -26); // the next float32 after 0.1
    expect(b).toBeGreaterThan(a);
    const cut = cutBetween(a, b);
    expect(f32(cut)).toBe(cut);
    expect(a <= cut && !(b <= cut)).toBe(true);
    expect(cutBetween(1, 3)).toBe(2);
    expect(cutBetween(Number.NEGATIVE_INFINITY, 0)).toBe(Number.NEGATIVE_INFINITY);
    expect(cutBetween(5, Number.POSITIVE_INFINITY)).toBe(5);
  });

  it('puts a bin between every pair of distinct values when there are few', () => {
    const sorted = sortedPresent(Float64Array.of(3, 1, 2, 2, Number.NaN, 1), Uint8Array.of(1, 1, 1, 1, 1, 0));
    expect(Array.from(sorted)).toEqual([1, 2, 2, 3]);
    const bounds = binUpperBounds(sorted, 255);
    expect(Array.from(bounds)).toEqual([1.5, 2.5]);
    expect([1, 2, 3, 1.5, 1.6, 99].map((x) => binOf(bounds, x))).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('uses quantiles when there are more distinct values than bins, all float32 and increasing', () => {
    const values = Float64Array.from({ length: 10_000 }, (_, i) => f32(Math.sqrt(i) * 1.1));
    const bounds = binUpperBounds(values.slice().sort(), 16);
    expect(bounds.length).toBe(15);
    for (let b = 0; b < bounds.length; b++) {
      expect(f32(bounds[b] as number)).toBe(bounds[b]);
      if (b > 0) expect(bounds[b]).toBeGreaterThan(bounds[b - 1] as number);
    }
    const counts = new Array(16).fill(0);
    for (const v of values) counts[binOf(bounds, v)]++;
    for (const c of counts) expect(c).toBeGreaterThan(400);
  });

  it('keeps the most frequent categories and folds the rarest into the last bin', () => {
    // Category 2 is the most frequent, then 0, then 3; 1 and 4 are rare.
    const codes = Int32Array.of(2, 2, 2, 2, 0, 0, 0, 3, 3, 1, 4, -1);
    const folded = categoricalBins(codes, 5, 3);
    expect(folded.bins).toBe(3);
    expect(Array.from(folded.categoryBins)).toEqual([0, 2, 1, 2, 2]);
    const identity = categoricalBins(codes, 5, 255);
    expect(Array.from(identity.categoryBins)).toEqual([0, 1, 2, 3, 4]);
  });

  it('bins missing values, NaN and unseen categories into the missing bin', () => {
    const spec: ProblemSpec = {
      task: 'regression',
      target: 'y',
      features: [
        { name: 'x', kind: 'numeric' },
        { name: 'c', kind: 'categorical', categories: ['a', 'b'] },
      ],
    };
    const set: TrainingSet = {
      rows: 4,
      features: [
        numeric([1, 2, Number.NaN, 5], [1, 0, 1, 1]),
        { kind: 'categorical', name: 'c', codes: Int32Array.of(0, 1, -1, 7), dictionary: ['a', 'b'] },
      ],
      target: Float64Array.of(1, 2, 3, 4),
    };
    const mapper = fitBinMapper(spec, set, 255, 255);
    expect(mapper.features.map((f) => f.bins)).toEqual([2, 2]);
    expect(Array.from(mapper.offsets)).toEqual([0, 3, 6]);
    const binned = binSet(mapper, set, true);
    expect(Array.from(binned.columns[0] as Uint8Array)).toEqual([0, 2, 2, 1]);
    expect(Array.from(binned.columns[1] as Uint8Array)).toEqual([0, 1, 2, 2]);
    expect(Array.from(binned.rowMajor as Uint8Array)).toEqual([0, 0, 2, 1, 2, 2, 1, 2]);
  });
});
