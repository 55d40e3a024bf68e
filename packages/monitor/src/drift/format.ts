/** Three significant digits, exponent notation for tiny values; deterministic across locales. */
export function formatStatistic(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs < 1e-4 || abs >= 1e6) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}
