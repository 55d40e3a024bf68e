import { normalSf } from '@modelgate/core';

export interface ZTestResult {
  statistic: number;
  pValue: number;
}

/** The pooled two-proportion z-test (Evidently's z-test): successes x of n on each side, two-sided. */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): ZTestResult {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const scale = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(scale > 0)) return { statistic: 0, pValue: 1 };
  const statistic = (p1 - p2) / scale;
  return { statistic, pValue: Math.min(1, 2 * normalSf(Math.abs(statistic))) };
}
