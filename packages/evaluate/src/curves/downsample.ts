/** The default most points a chart gets: enough to keep a curve's shape. */
export const MAX_CHART_POINTS = 100;

function triangleArea(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return Math.abs((ax - cx) * (by - ay) - (ax - bx) * (cy - ay)) / 2;
}

/**
 * Indices of at most `maxPoints` points that keep the shape of the line
 * (x ascending or descending), by Largest-Triangle-Three-Buckets: the first
 * and last point, and per bucket the point spanning the largest triangle.
 */
export function downsampleIndices(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  maxPoints = MAX_CHART_POINTS,
): number[] {
  const n = x.length;
  if (n <= maxPoints || n <= 2) return Array.from({ length: n }, (_, i) => i);
  if (maxPoints < 3) return maxPoints <= 1 ? [0] : [0, n - 1];
  const every = (n - 2) / (maxPoints - 2);
  const picked = [0];
  let a = 0;
  for (let bucket = 0; bucket < maxPoints - 2; bucket++) {
    const nextStart = Math.floor((bucket + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((bucket + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += x[j] as number;
      avgY += y[j] as number;
    }
    const span = Math.max(1, nextEnd - nextStart);
    avgX /= span;
    avgY /= span;
    const start = Math.floor(bucket * every) + 1;
    const end = Math.floor((bucket + 1) * every) + 1;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = triangleArea(x[a] as number, y[a] as number, x[j] as number, y[j] as number, avgX, avgY);
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    picked.push(best);
    a = best;
  }
  picked.push(n - 1);
  return picked;
}

/**
 * The same points of every array field of a curve, picked along (xKey, yKey).
 * A shorter field (precision-recall thresholds lack the last point) keeps the
 * picked indices it has.
 */
export function downsampleCurve<T extends { [K in keyof T]: T[K] extends number[] ? number[] : unknown }>(
  curve: T,
  xKey: keyof T,
  yKey: keyof T,
  maxPoints = MAX_CHART_POINTS,
): T {
  const x = curve[xKey] as number[];
  const y = curve[yKey] as number[];
  const indices = downsampleIndices(x, y, maxPoints);
  const out = { ...curve };
  for (const key of Object.keys(curve) as (keyof T)[]) {
    const field = curve[key];
    if (!Array.isArray(field)) continue;
    out[key] = indices.filter((i) => i < field.length).map((i) => field[i]) as T[keyof T];
  }
  return out;
}
