/** The objective along a search direction: value and directional derivative at step `alpha`. */
export type LineFunction = (alpha: number) => { f: number; d: number };

export interface LineSearchResult {
  ok: boolean;
  alpha: number;
}

const C1 = 1e-4;
const C2 = 0.9;
const MAX_EVALUATIONS = 40;

interface Point {
  a: number;
  f: number;
  d: number;
}

/** Minimiser of the cubic through two points with slopes, kept inside the bracket; bisection if it degenerates. */
function cubicStep(lo: Point, hi: Point): number {
  const d1 = lo.d + hi.d - (3 * (lo.f - hi.f)) / (lo.a - hi.a);
  const radicand = d1 * d1 - lo.d * hi.d;
  const left = Math.min(lo.a, hi.a);
  const width = Math.abs(hi.a - lo.a);
  const mid = (lo.a + hi.a) / 2;
  if (!(radicand >= 0) || !Number.isFinite(radicand)) return mid;
  const d2 = Math.sign(hi.a - lo.a) * Math.sqrt(radicand);
  const alpha = hi.a - ((hi.a - lo.a) * (hi.d + d2 - d1)) / (hi.d - lo.d + 2 * d2);
  // Safeguard: stay clear of the bracket's ends so the bracket keeps shrinking.
  if (!Number.isFinite(alpha)) return mid;
  return Math.min(left + 0.9 * width, Math.max(left + 0.1 * width, alpha));
}

/**
 * A step satisfying the strong Wolfe conditions (Nocedal & Wright, algorithms
 * 3.5 and 3.6): sufficient decrease f(a) <= f(0) + c1·a·f'(0) and curvature
 * |f'(a)| <= c2·|f'(0)|. Requires f'(0) < 0. The last evaluation is always at
 * the returned `alpha`, so callers can keep the point the function last saw.
 */
export function wolfeLineSearch(phi: LineFunction, f0: number, d0: number, alpha1: number): LineSearchResult {
  let evaluations = 0;
  const evaluate = (a: number): Point => {
    evaluations++;
    const { f, d } = phi(a);
    return { a, f, d };
  };
  const zoom = (lo: Point, hi: Point): LineSearchResult => {
    while (evaluations < MAX_EVALUATIONS) {
      if (Math.abs(hi.a - lo.a) <= 1e-14 * Math.max(1, Math.abs(lo.a))) break;
      const p = evaluate(cubicStep(lo, hi));
      if (!Number.isFinite(p.f) || p.f > f0 + C1 * p.a * d0 || p.f >= lo.f) {
        hi = p;
      } else {
        if (Math.abs(p.d) <= -C2 * d0) return { ok: true, alpha: p.a };
        if (p.d * (hi.a - lo.a) >= 0) hi = lo;
        lo = p;
      }
    }
    // No Wolfe point found; `lo` still decreases f, so hand it back (re-evaluated) if it moved at all.
    if (lo.a > 0) {
      evaluate(lo.a);
      return { ok: true, alpha: lo.a };
    }
    return { ok: false, alpha: 0 };
  };

  let prev: Point = { a: 0, f: f0, d: d0 };
  let alpha = alpha1;
  for (let i = 0; evaluations < MAX_EVALUATIONS; i++) {
    const p = evaluate(alpha);
    if (!Number.isFinite(p.f) || p.f > f0 + C1 * p.a * d0 || (i > 0 && p.f >= prev.f)) {
      return zoom(prev, p);
    }
    if (Math.abs(p.d) <= -C2 * d0) return { ok: true, alpha: p.a };
    if (p.d >= 0) return zoom(p, prev);
    prev = p;
    alpha *= 2;
  }
  return { ok: false, alpha: 0 };
}
