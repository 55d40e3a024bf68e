/** Shares over the same bins, each summing to 1; the smoothing rule (binning.ts) keeps them positive where needed. */
export type Shares = readonly number[];

function normalised(p: Shares): number[] {
  const total = p.reduce((s, x) => s + x, 0);
  return p.map((x) => x / total);
}

/** x·ln(x/y) with 0·ln 0 = 0 (scipy.special.rel_entr). */
function relativeEntropy(x: number, y: number): number {
  if (x === 0) return 0;
  return y > 0 ? x * Math.log(x / y) : Number.POSITIVE_INFINITY;
}

/** Population stability index Σ (q − p) ln(q / p). */
export function psi(p: Shares, q: Shares): number {
  let sum = 0;
  p.forEach((pi, i) => {
    const qi = q[i] as number;
    sum += (qi - pi) * Math.log(qi / pi);
  });
  return sum;
}

/** Kullback–Leibler divergence KL(p ‖ q) in nats (scipy.stats.entropy(p, q)). */
export function klDivergence(p: Shares, q: Shares): number {
  const [pn, qn] = [normalised(p), normalised(q)];
  return pn.reduce((sum, pi, i) => sum + relativeEntropy(pi, qn[i] as number), 0);
}

/** Hellinger distance √(Σ (√p − √q)²) / √2, in [0, 1]. */
export function hellinger(p: Shares, q: Shares): number {
  let sum = 0;
  p.forEach((pi, i) => {
    const d = Math.sqrt(pi) - Math.sqrt(q[i] as number);
    sum += d * d;
  });
  return Math.sqrt(sum) / Math.SQRT2;
}

/** Jensen–Shannon distance (scipy.spatial.distance.jensenshannon): natural log unless `base` is given. */
export function jensenShannon(p: Shares, q: Shares, base?: number): number {
  const [pn, qn] = [normalised(p), normalised(q)];
  let js = 0;
  pn.forEach((pi, i) => {
    const qi = qn[i] as number;
    const m = (pi + qi) / 2;
    js += relativeEntropy(pi, m) + relativeEntropy(qi, m);
  });
  if (base !== undefined) js /= Math.log(base);
  return Math.sqrt(js / 2);
}
