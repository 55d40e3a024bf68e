const SQRT_PI = Math.sqrt(Math.PI);
const TINY = 1e-300;

/** Regularised upper incomplete gamma Q(1/2, x) = erfc(sqrt x), by series or continued fraction. */
function upperGammaHalf(x: number): number {
  const a = 0.5;
  if (x <= 0) return 1;
  const prefix = Math.exp(-x + a * Math.log(x)) / SQRT_PI;
  if (x < a + 1) {
    // P(a, x) = e^-x x^a / Gamma(a) * sum x^n / (a (a+1) ... (a+n))
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    return 1 - prefix * sum;
  }
  // Q(a, x) by Lentz's continued fraction.
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return prefix * h;
}

/** P(X > x) for X chi-squared with 1 degree of freedom (scipy.stats.chi2.sf(x, 1)). */
export function chiSquared1Survival(x: number): number {
  return upperGammaHalf(x / 2);
}
