/**
 * A float32 value as the shortest decimal (6 to 9 significant digits) that
 * reads back as the same float32 both directly and through a double: within a
 * quarter ulp of it, so far from a rounding midpoint either way.
 */
export function float32Text(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 2 ** 24) return String(value);
  const quarterUlp = Math.abs(value) * 2 ** -26;
  for (let digits = 6; digits < 9; digits++) {
    const text = Number(value.toPrecision(digits));
    if (Math.fround(text) === value && Math.abs(text - value) <= quarterUlp) return String(text);
  }
  return String(Number(value.toPrecision(9)));
}
