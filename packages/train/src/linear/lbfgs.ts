import { wolfeLineSearch } from './line-search.js';

/** Returns f(x) and writes ∇f(x) into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  maxIterations: number;
  /** Converged when max |∇f| <= gradientTolerance. */
  gradientTolerance: number;
  /** Also stop when an iteration lowers f by at most this, relative to max(|f|, 1). */
  functionTolerance?: number;
  /** Correction pairs kept (scipy's L-BFGS-B default is 10). */
  memory?: number;
  /** Called after every iteration; may throw to abort (e.g. an AbortSignal). */
  onIteration?: (iteration: number) => void;
}

export type StopReason = 'gradient' | 'function' | 'max_iterations' | 'line_search';

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: StopReason;
  gradientNorm: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

/** The limited-memory inverse-Hessian approximation: correction pairs, oldest first. */
class Memory {
  private readonly s: Float64Array[] = [];
  private readonly y: Float64Array[] = [];
  private readonly rho: number[] = [];
  private readonly alpha: Float64Array;

  constructor(private readonly size: number) {
    this.alpha = new Float64Array(size);
  }

  get length(): number {
    return this.s.length;
  }

  clear(): void {
    this.s.length = 0;
    this.y.length = 0;
    this.rho.length = 0;
  }

  /** Keeps the pair only when s·y > 0, which keeps the approximation positive definite. */
  push(s: Float64Array, y: Float64Array): void {
    const sy = dot(s, y);
    if (!(sy > 1e-12 * dot(y, y))) return;
    if (this.s.length === this.size) {
      this.s.shift();
      this.y.shift();
      this.rho.shift();
    }
    this.s.push(s);
    this.y.push(y);
    this.rho.push(1 / sy);
  }

  /** direction = -H·g by the two-loop recursion, with H0 = (s·y / y·y)·I from the newest pair. */
  direction(g: Float64Array, out: Float64Array): void {
    out.set(g);
    const m = this.s.length;
    for (let i = m - 1; i >= 0; i--) {
      const a = (this.rho[i] as number) * dot(this.s[i] as Float64Array, out);
      this.alpha[i] = a;
      const y = this.y[i] as Float64Array;
      for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) - a * (y[j] as number);
    }
    if (m > 0) {
      const s = this.s[m - 1] as Float64Array;
      const y = this.y[m - 1] as Float64Array;
      const gamma = dot(s, y) / dot(y, y);
      for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) * gamma;
    }
    for (let i = 0; i < m; i++) {
      const b = (this.rho[i] as number) * dot(this.y[i] as Float64Array, out);
      const s = this.s[i] as Float64Array;
      const a = this.alpha[i] as number;
      for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) + (a - b) * (s[j] as number);
    }
    for (let j = 0; j < out.length; j++) out[j] = -(out[j] as number);
  }
}

/** Minimises a smooth function with L-BFGS and a strong-Wolfe line search. Deterministic. */
export function minimizeLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const ftol = options.functionTolerance ?? 64 * Number.EPSILON;
  const memory = new Memory(options.memory ?? 10);
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = objective(x, g);
  let evaluations = 1;
  const p = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  let fNew = f;
  const phi = (alpha: number) => {
    for (let j = 0; j < n; j++) xNew[j] = (x[j] as number) + alpha * (p[j] as number);
    fNew = objective(xNew, gNew);
    evaluations++;
    return { f: fNew, d: dot(gNew, p) };
  };

  let reason: StopReason = 'max_iterations';
  let iterations = 0;
  if (maxAbs(g) <= options.gradientTolerance) reason = 'gradient';
  while (reason === 'max_iterations' && iterations < options.maxIterations) {
    memory.direction(g, p);
    let d0 = dot(g, p);
    if (!(d0 < 0)) {
      memory.clear();
      memory.direction(g, p);
      d0 = dot(g, p);
    }
    // The first step (or one after a reset) has no curvature scale yet: keep it at unit length.
    const alpha1 = memory.length === 0 ? Math.min(1, 1 / Math.sqrt(-d0)) : 1;
    const search = wolfeLineSearch(phi, f, d0, alpha1);
    if (!search.ok) {
      if (memory.length === 0) {
        reason = 'line_search';
        break;
      }
      memory.clear();
      continue;
    }
    iterations++;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = (xNew[j] as number) - (x[j] as number);
      y[j] = (gNew[j] as number) - (g[j] as number);
    }
    memory.push(s, y);
    const fOld = f;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fNew;
    options.onIteration?.(iterations);
    if (maxAbs(g) <= options.gradientTolerance) reason = 'gradient';
    else if (fOld - f <= ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) reason = 'function';
  }
  return {
    x,
    f,
    iterations,
    evaluations,
    converged: reason === 'gradient' || reason === 'function',
    reason,
    gradientNorm: maxAbs(g),
  };
}
