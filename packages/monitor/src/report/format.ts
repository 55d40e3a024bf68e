/** A share as a percentage: one significant digit below 0.1 %, one decimal below 10 %. */
export function percent(x: number): string {
  if (x === 0) return '0%';
  const p = x * 100;
  return `${p < 0.1 ? p.toPrecision(1) : p < 10 ? p.toFixed(1) : p.toFixed(0)}%`;
}
