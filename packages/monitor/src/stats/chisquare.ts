import { chi2Sf } from '@modelgate/core';

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  dof: number;
}

/** Pearson's goodness-of-fit test (scipy.stats.chisquare): Σ (o − e)² / e on k − 1 degrees of freedom. */
export function chiSquare(observed: readonly number[], expected: readonly number[]): ChiSquareResult {
  const dof = observed.length - 1;
  if (dof < 1) return { statistic: 0, pValue: 1, dof: 0 };
  let statistic = 0;
  observed.forEach((o, i) => {
    const e = expected[i] as number;
    statistic += ((o - e) * (o - e)) / e;
  });
  return { statistic, pValue: chi2Sf(statistic, dof), dof };
}
