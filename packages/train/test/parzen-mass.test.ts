import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logMass, type ParzenEstimator } from '../src/search/parzen.js';

// log P(a ≤ X ≤ b) for X ~ N(mu, sigma²) from scipy, by fixtures/make_parzen_fixtures.py.
const { cases } = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'parzen-fixtures.json'), 'utf8'),
) as {
  cases: [number, number, number, number, number][];
};

/** One component whose mass inside the range is 1, so logMass is the component's own interval mass. */
const single = (mu: number, sigma: number): ParzenEstimator => ({
  low: -1e9,
  high: 1e9,
  mus: [mu],
  sigmas: [sigma],
  weights: [1],
  masses: [1],
});

describe("TPE's truncated-Gaussian masses", () => {
  it.each(cases)(
    'N(%d, %d²) on [%d, %d] matches scipy to 1e-10, far tails included',
    (mu, sigma, a, b, want) => {
      const got = logMass(single(mu, sigma), a, b);
      expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(want)));
    },
  );
});
