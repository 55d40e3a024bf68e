/** ln of the smallest positive double, below which cephes treats exp() as zero. */
const MIN_LOG = -745.1332191019412;
/** Above this n scipy switches to an asymptotic formula, and so do we. */
const SMIRNOV_MAX_COMPUTE_N = 1_000_000;

/**
 * The one-sided Kolmogorov–Smirnov survival function P(D⁺ₙ ≥ x) (scipy.special.smirnov):
 * Birnbaum and Tingey's exact sum, whose terms are all positive, evaluated in logs.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const nx = n * x;
  if (nx <= 1) return 1 - x * (1 + x) ** (n - 1);
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (Math.floor(nx) >= n - 1) return (1 - x) ** n;
  if (n > SMIRNOV_MAX_COMPUTE_N) return Math.exp(-((6 * nx + 1) ** 2) / 18 / n);
  const last = Math.floor(n * (1 - x));
  let logBinomial = 0;
  let sum = 0;
  let previous = 0;
  for (let v = 0; v <= last; v++) {
    const rest = (n - v) / n - x;
    if (rest > 0) {
      const term = Math.exp(logBinomial + (v - 1) * Math.log(x + v / n) + (n - v) * Math.log(rest));
      sum += term;
      if (term < previous && term < sum * 1e-17) break;
      previous = term;
    }
    logBinomial += Math.log(n - v) - Math.log(v + 1);
  }
  return Math.min(1, Math.max(0, x * sum));
}
