const f64 = new Float64Array(1);
const high = new Uint32Array(f64.buffer);
// The high word of a little-endian double holds its sign and exponent.
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Rounds a non-negative double to the nearest integer, ties to even (exact: no double rounding). */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  return rest > 0.5 || (rest === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
}

/**
 * IEEE half-precision bits of a number, rounded to nearest even from the double itself (overflow to
 * ±Infinity). Going through float32 first would round twice: 1 + 2⁻¹¹ + 2⁻³⁰ would land on the tie.
 */
export function float16Bits(value: number): number {
  f64[0] = value;
  const word = high[HIGH] as number;
  const sign = (word >>> 16) & 0x8000;
  if (Number.isNaN(value)) return sign | 0x7e00;
  const a = Math.abs(value);
  // 65520 is halfway between the largest half (65504) and 2¹⁶: ties to even go up, to Infinity.
  if (a >= 65520) return sign | 0x7c00;
  // Subnormal: a multiple of 2⁻²⁴ (scaling by a power of two is exact); 1024 is the smallest normal.
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24);
  const exponent = ((word >>> 20) & 0x7ff) - 1023;
  const fraction = (a / 2 ** exponent - 1) * 1024;
  // A carry out of the fraction (1024) correctly bumps the exponent.
  return sign | (((exponent + 15) << 10) + roundHalfEven(fraction));
}

/** The number that half-precision bits stand for. */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
