import { durbinCdf } from './kolmogorov-durbin.js';
import { pelzGoodCdf } from './kolmogorov-pelz-good.js';
import { pomeranzCdf } from './kolmogorov-pomeranz.js';
import { clipProbability } from './scale.js';
import { smirnovSf } from './smirnov.js';

const LOG_2PI = Math.log(2 * Math.PI);
/** Coefficients of Stirling's series for ln Γ, highest order first (Bernoulli numbers over n(n − 1)). */
const STIRLING = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];

/** ln(n! / nⁿ) by Stirling's series. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  const u = rn / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * u + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/**
 * P(Dₙ ≥ x) for the two-sided one-sample Kolmogorov–Smirnov statistic
 * (scipy.stats.kstwo.sf): the exact or asymptotic method Simard and L'Ecuyer
 * (2011) choose for each (n, x), branch for branch as scipy's _kolmogn.
 */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clipProbability(1 - cdf);
  }
  if (t >= n - 1) return clipProbability(2 * (1 - x) ** n);
  if (x >= 0.5) return clipProbability(2 * smirnovSf(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clipProbability(1 - durbinCdf(n, x));
    if (nxSquared <= 4) return clipProbability(1 - pomeranzCdf(n, x));
    return clipProbability(2 * smirnovSf(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clipProbability(2 * smirnovSf(n, x));
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
  return clipProbability(1 - cdf);
}
