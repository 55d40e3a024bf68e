import { chi2Sf, kolmogorovSf, normalSf } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { expectClose, fixtures } from './drift-fixtures.js';

/** Relative agreement where the value is representable, absolute 1e-15 near zero. */
function expectRelative(actual: number, expected: number, relative: number, label: string): void {
  const error = Math.abs(actual - expected);
  expect(error, `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    Math.max(1e-15, relative * Math.abs(expected)),
  );
}

describe('special functions against scipy', () => {
  it('chi-squared survival function (scipy.stats.chi2.sf)', () => {
    for (const { dof, x, sf } of fixtures.chi2Sf) {
      expectRelative(chi2Sf(x, dof), sf, 1e-10, `chi2.sf(${x}, ${dof})`);
    }
  });

  it('normal survival function (scipy.stats.norm.sf)', () => {
    for (const { z, sf } of fixtures.normSf) expectRelative(normalSf(z), sf, 1e-12, `norm.sf(${z})`);
  });

  it('two-sided Kolmogorov–Smirnov survival function (scipy.stats.kstwo.sf) on every branch', () => {
    for (const { n, x, sf } of fixtures.kstwoSf) {
      expectClose(kolmogorovSf(n, x), sf, 1e-9, `kstwo.sf(${x}, ${n})`);
    }
  });
});
