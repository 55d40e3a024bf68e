import { chi2Sf } from '@modelgate/core';

/** P(X > x) for X chi-squared with 1 degree of freedom (scipy.stats.chi2.sf(x, 1)). */
export function chiSquared1Survival(x: number): number {
  return chi2Sf(x, 1);
}
