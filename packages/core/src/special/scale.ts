/** 2^128 and 2^-128: the rescaling steps scipy's Kolmogorov algorithms use to keep products in range. */
export const TWO_128 = 2 ** 128;
export const TWO_MINUS_128 = 2 ** -128;

/** x · 2^e without overflowing the intermediate power of two. */
export function ldexp(x: number, e: number): number {
  let out = x;
  let rest = e;
  while (rest > 1000) {
    out *= 2 ** 1000;
    rest -= 1000;
  }
  while (rest < -1000) {
    out *= 2 ** -1000;
    rest += 1000;
  }
  return out * 2 ** rest;
}

export function clipProbability(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/** numpy's round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
