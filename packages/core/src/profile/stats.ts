import type { ValueStats } from './types.js';

export function valueStats(
  count: number,
  mean: number | null,
  m2: number,
  min: number | null,
  max: number | null,
): ValueStats {
  if (count === 0) return { count: 0, mean: null, m2: 0, std: null, min: null, max: null };
  const std = count > 1 ? Math.sqrt(Math.max(0, m2) / (count - 1)) : null;
  return { count, mean, m2, std, min, max };
}

/** Chan, Golub, LeVeque (1979): combines two partial (count, mean, M2) exactly up to rounding. */
export function mergeValueStats(a: ValueStats, b: ValueStats): ValueStats {
  if (b.count === 0) return a;
  if (a.count === 0) return b;
  const count = a.count + b.count;
  const meanA = a.mean ?? 0;
  const delta = (b.mean ?? 0) - meanA;
  const mean = meanA + (delta * b.count) / count;
  const m2 = a.m2 + b.m2 + (delta * delta * a.count * b.count) / count;
  return valueStats(count, mean, m2, pick(a.min, b.min, Math.min), pick(a.max, b.max, Math.max));
}

function pick(a: number | null, b: number | null, choose: (x: number, y: number) => number): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return choose(a, b);
}
