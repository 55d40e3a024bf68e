import { clipProbability, ldexp, TWO_128, TWO_MINUS_128 } from './scale.js';

/** The columns row i of Pomeranz's recursion touches (scipy's _pomeranz_compute_j1j2). */
function rowRange(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** Entry t of the full convolution of a and b. */
function convolutionAt(a: Float64Array, b: Float64Array, t: number): number {
  let sum = 0;
  const from = Math.max(0, t - b.length + 1);
  const to = Math.min(t, a.length - 1);
  for (let s = from; s <= to; s++) sum += (a[s] as number) * (b[t - s] as number);
  return sum;
}

/** scaled[m] = base^m / m! for m < count. */
function scaledPowers(base: number, count: number): Float64Array {
  const out = new Float64Array(count);
  out[0] = 1;
  for (let m = 1; m < count; m++) out[m] = ((out[m - 1] as number) * base) / m;
  return out;
}

/** P(Dₙ ≤ x) by Pomeranz's recursion (1974), as scipy's _kolmogn_Pomeranz. */
export function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const size = 2 * (ll + 1);
  const gPower = scaledPowers(g / n, size);
  const twoGPower = scaledPowers((2 * g) / n, size);
  const oneMinusTwoGPower = scaledPowers((1 - 2 * g) / n, size);

  let previous = new Float64Array(size);
  let row = new Float64Array(size);
  row[0] = 1;
  let previousStart = 0;
  let rowStart = 0;
  let exponent = 0;
  let [j1, j2] = rowRange(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [previous, row] = [row, previous];
    [previousStart, rowStart] = [rowStart, previousStart];
    row.fill(0);
    [j1, j2] = rowRange(i, n, ll, ceilf, roundf);
    const powers = i === 1 || i === 2 * n + 1 ? gPower : i % 2 ? twoGPower : oneMinusTwoGPower;
    const width = j2 - k1 + 1;
    if (width > 0) {
      const offset = k1 - previousStart;
      const a = previous.subarray(offset, Math.min(offset + width, size));
      const b = powers.subarray(0, Math.min(width, size));
      const length = j2 - j1 + 1;
      let max = Number.NEGATIVE_INFINITY;
      for (let s = 0; s < length; s++) {
        row[s] = convolutionAt(a, b, j1 - k1 + s);
      }
      for (const value of row) max = Math.max(max, value);
      if (max > 0 && max < TWO_MINUS_128) {
        for (let s = 0; s < size; s++) row[s] = (row[s] as number) * TWO_128;
        exponent -= 128;
      }
      rowStart = previousStart + j1 - k1;
    }
  }
  let answer = row[n - rowStart] as number;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(answer) > TWO_128) {
      answer *= TWO_MINUS_128;
      exponent += 128;
    }
    answer *= m;
  }
  return clipProbability(exponent === 0 ? answer : ldexp(answer, exponent));
}
