import { describe, expect, it } from 'vitest';
import { solveSpd } from '../src/linear/cholesky.js';
import { minimizeLbfgs, type Objective } from '../src/linear/lbfgs.js';

/** The Rosenbrock valley: non-convex, badly scaled, minimum 0 at (1, ..., 1). */
const rosenbrock: Objective = (x, grad) => {
  let f = 0;
  grad.fill(0);
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i] as number;
    const b = x[i + 1] as number;
    f += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
    grad[i] = (grad[i] as number) - 400 * a * (b - a * a) - 2 * (1 - a);
    grad[i + 1] = (grad[i + 1] as number) + 200 * (b - a * a);
  }
  return f;
};

describe('L-BFGS', () => {
  it('finds the Rosenbrock minimum from the classic start', () => {
    const x0 = Float64Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
    const result = minimizeLbfgs(rosenbrock, x0, { maxIterations: 1000, gradientTolerance: 1e-10 });
    expect(result.converged).toBe(true);
    expect(result.f).toBeLessThan(1e-14);
    for (const v of result.x) expect(v).toBeCloseTo(1, 6);
    expect(result.evaluations).toBeLessThan(3 * result.iterations + 10);
  });

  it('solves a quadratic exactly and stops at once when already optimal', () => {
    // f(x) = ½ xᵀAx - bᵀx with A = diag(1, 10, 100): minimum at b / diag.
    const diag = [1, 10, 100];
    const b = [1, 2, 3];
    const quadratic: Objective = (x, grad) => {
      let f = 0;
      for (let i = 0; i < 3; i++) {
        const xi = x[i] as number;
        f += 0.5 * (diag[i] as number) * xi * xi - (b[i] as number) * xi;
        grad[i] = (diag[i] as number) * xi - (b[i] as number);
      }
      return f;
    };
    const result = minimizeLbfgs(quadratic, new Float64Array(3), {
      maxIterations: 100,
      gradientTolerance: 1e-12,
    });
    for (const [i, v] of [1, 0.2, 0.03].entries()) expect(result.x[i]).toBeCloseTo(v, 9);
    const again = minimizeLbfgs(quadratic, result.x, { maxIterations: 100, gradientTolerance: 1e-9 });
    expect(again.iterations).toBe(0);
    expect(again.converged).toBe(true);
  });

  it('reports running out of iterations as not converged', () => {
    const x0 = Float64Array.from([-1.2, 1]);
    const result = minimizeLbfgs(rosenbrock, x0, { maxIterations: 3, gradientTolerance: 1e-10 });
    expect(result).toMatchObject({ iterations: 3, converged: false, reason: 'max_iterations' });
  });
});

describe('Cholesky solve', () => {
  it('solves a symmetric positive-definite system and refuses an indefinite one', () => {
    const a = Float64Array.from([4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]);
    const x = solveSpd(a, Float64Array.from([1, 2, 3])) as Float64Array;
    const ax = [0, 1, 2].map((i) =>
      [0, 1, 2].reduce((s, j) => s + (a[i * 3 + j] as number) * (x[j] as number), 0),
    );
    for (const [i, v] of ax.entries()) expect(v).toBeCloseTo(i + 1, 12);
    expect(solveSpd(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]))).toBeUndefined();
  });
});
