import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { float16Bits, float16Value } from '../src/export/float16.js';

// numpy.float16(double) bits, from fixtures/make_float16_fixtures.py.
const { cases } = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'float16-fixtures.json'), 'utf8'),
) as {
  cases: [number, number][];
};

describe('float16Bits against numpy', () => {
  it('rounds the double itself to the nearest half, ties to even, like numpy', () => {
    const wrong = cases
      .filter(([v, bits]) => float16Bits(v) !== bits)
      .map(([v, bits]) => [v, float16Bits(v), bits]);
    expect(wrong).toEqual([]);
    expect(cases.length).toBeGreaterThan(500);
  });

  it('does not round through float32 first: 1 + 2⁻¹¹ + 2⁻³⁰ is above the tie', () => {
    expect(float16Bits(1 + 2 ** -11 + 2 ** -30)).toBe(15361);
  });

  it('keeps infinities and NaN, with their sign', () => {
    expect(float16Bits(Number.POSITIVE_INFINITY)).toBe(0x7c00);
    expect(float16Bits(Number.NEGATIVE_INFINITY)).toBe(0xfc00);
    expect(Number.isNaN(float16Value(float16Bits(Number.NaN)))).toBe(true);
  });
});
