import { logGamma } from '@modelgate/core';

const MAX_ITERATIONS = 10_000;
const TINY = 1e-300;

/** Lentz's continued fraction for the regularised incomplete beta function (Numerical Recipes' betacf). */
function betaFraction(a: number, b: number, x: number): number {
  const [qab, qap, qam] = [a + b, a + 1, a - 1];
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    for (const aa of [
      (m * (b - m) * x) / ((qam + m2) * (a + m2)),
      (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2)),
    ]) {
      d = 1 + aa * d;
      if (Math.abs(d) < TINY) d = TINY;
      c = 1 + aa / c;
      if (Math.abs(c) < TINY) c = TINY;
      d = 1 / d;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** log Γ(n + 1) − Stirling's approximation; its series is exact to double precision above 15. */
function stirlingError(n: number): number {
  if (n <= 15) return logGamma(n + 1) - (n + 0.5) * Math.log(n) + n - HALF_LOG_TWO_PI;
  const nn = n * n;
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / 1188 / nn) / nn) / nn) / nn) / n;
}

/** x log(x / m) + m − x, without the cancellation when x is near m. */
function deviance(x: number, m: number): number {
  if (Math.abs(x - m) >= 0.1 * (x + m)) return x * Math.log(x / m) + m - x;
  const v = (x - m) / (x + m);
  let s = (x - m) * v;
  let term = 2 * x * v;
  for (let j = 1; j < 1000; j++) {
    term *= v * v;
    const next = s + term / (2 * j + 1);
    if (next === s) break;
    s = next;
  }
  return s;
}

/**
 * P(X = k) for X ~ Binomial(n, p), by Loader's saddle-point expansion: the
 * log-gamma terms of millions cancel to a few digits, so they are never formed.
 */
export function binomialPmf(k: number, n: number, p: number): number {
  if (k < 0 || k > n) return 0;
  if (p <= 0) return k === 0 ? 1 : 0;
  if (p >= 1) return k === n ? 1 : 0;
  if (k === 0) return Math.exp(n * Math.log1p(-p));
  if (k === n) return Math.exp(n * Math.log(p));
  const log =
    stirlingError(n) -
    stirlingError(k) -
    stirlingError(n - k) -
    deviance(k, n * p) -
    deviance(n - k, n * (1 - p));
  return Math.exp(log - 0.5 * (Math.log(2 * Math.PI) + Math.log(k) + Math.log1p(-k / n)));
}

/**
 * P(X ≥ k) for X ~ Binomial(n, p): scipy.stats.binom.sf(k − 1, n, p), as the
 * incomplete beta I_p(k, n − k + 1) by its continued fraction (on the side of
 * the mean where it converges fast), with the fraction's front factor
 * written as a binomial probability.
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  const [a, b] = [k, n - k + 1];
  const tail =
    p < (a + 1) / (a + b + 2)
      ? binomialPmf(k, n, p) * (1 - p) * betaFraction(a, b, p)
      : 1 - binomialPmf(k - 1, n, p) * p * betaFraction(b, a, 1 - p);
  return Math.min(1, Math.max(0, tail));
}
