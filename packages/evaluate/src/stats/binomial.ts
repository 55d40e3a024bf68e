/**
 * P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so large n does not
 * underflow: terms C(n, i) / 2^n grow up to k <= n / 2, so each is scaled by the last.
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  const logTerms: number[] = [];
  let logTerm = -n * Math.LN2;
  for (let i = 0; i <= k; i++) {
    logTerms.push(logTerm);
    logTerm += Math.log((n - i) / (i + 1));
  }
  const top = Math.max(...logTerms);
  let sum = 0;
  for (const t of logTerms) sum += Math.exp(t - top);
  return Math.min(1, Math.exp(top) * sum);
}
