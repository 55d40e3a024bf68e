import { clipProbability, ldexp, TWO_128, TWO_MINUS_128 } from './scale.js';

type Matrix = Float64Array;

function multiply(a: Matrix, b: Matrix, m: number): Matrix {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k] as number;
      if (aik === 0) continue;
      for (let j = 0; j < m; j++)
        out[i * m + j] = (out[i * m + j] as number) + aik * (b[k * m + j] as number);
    }
  }
  return out;
}

/**
 * P(Dₙ ≤ d) by Durbin's matrix (Marsaglia, Tsang, Wang 2003), as scipy's
 * _kolmogn_DMTW: the k-th diagonal entry of Hⁿ times n!/nⁿ, with powers of
 * two factored out so nothing overflows.
 */
export function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    v[j - 1] = 1 - h ** j;
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (v[j - 1] as number) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;

  let power: Matrix = new Float64Array(m * m);
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) power[r * m + i] = w[r - (i - 1)] as number;
  }
  for (let r = 0; r < m; r++) power[r * m] = v[r] as number;
  for (let c = 0; c < m; c++) power[(m - 1) * m + c] = v[m - 1 - c] as number;

  let result: Matrix = new Float64Array(m * m);
  for (let i = 0; i < m; i++) result[i * m + i] = 1;
  let exponent = 0;
  let powerExponent = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) {
    if (rest % 2) {
      result = multiply(result, power, m);
      exponent += powerExponent;
    }
    power = multiply(power, power, m);
    powerExponent *= 2;
    if (Math.abs(power[(k - 1) * m + (k - 1)] as number) > TWO_128) {
      for (let i = 0; i < power.length; i++) power[i] = (power[i] as number) / TWO_128;
      powerExponent += 128;
    }
  }
  let p = result[(k - 1) * m + (k - 1)] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < TWO_MINUS_128) {
      p *= TWO_128;
      exponent -= 128;
    }
  }
  return clipProbability(exponent === 0 ? p : ldexp(p, exponent));
}
