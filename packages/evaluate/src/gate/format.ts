/** A number for a one-line reason: 4 significant digits, no exponent for everyday sizes. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(4)));
}

export function formatSigned(x: number): string {
  return x > 0 ? `+${formatNumber(x)}` : formatNumber(x);
}

export function formatPercent(x: number): string {
  return `${formatNumber(x * 100)}%`;
}
