import type { Objective } from './lbfgs.js';
import type { CountedDesign } from './row-counts.js';

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/**
 * The penalised log loss over θ = [W (width × outputs, row-major), b (outputs)]:
 *   F(θ) = (1/N) Σ_i logloss_i + (l2 / 2N) ‖W‖²
 * i.e. scikit-learn's  Σ_i logloss_i + ‖W‖² / 2C  divided by N, with C = 1 / l2.
 * Binary uses one sigmoid output; multiclass uses softmax over `classes`
 * outputs (all classes' weights penalised, as scikit-learn's multinomial).
 * The intercept is not penalised.
 */
export function logisticObjective(counted: CountedDesign, classes: number, l2: number): Objective {
  const data = classes === 2 ? binaryLoss(counted) : softmaxLoss(counted, classes);
  const weights = counted.design.layout.width * (classes === 2 ? 1 : classes);
  const invN = 1 / counted.rows;
  return (theta, grad) => {
    grad.fill(0);
    const loss = data(theta, grad);
    let penalty = 0;
    for (let p = 0; p < weights; p++) {
      const w = theta[p] as number;
      penalty += w * w;
      grad[p] = ((grad[p] as number) + l2 * w) * invN;
    }
    for (let p = weights; p < grad.length; p++) grad[p] = (grad[p] as number) * invN;
    return (loss + 0.5 * l2 * penalty) * invN;
  };
}

/**
 * Σ log(x_i) for x_i >= 1 with one Math.log per many terms: multiply, and take
 * the log before the product can overflow. Each product step rounds like each
 * sum step would, so the accuracy matches summing the logs; it halves the
 * transcendental calls, which dominate the objective's cost.
 */
class LogSum {
  private product = 1;
  private sum = 0;

  add(x: number): void {
    this.product *= x;
    if (this.product > 1e200) {
      this.sum += Math.log(this.product);
      this.product = 1;
    }
  }

  total(): number {
    return this.sum + Math.log(this.product);
  }
}

/** Σ_i logloss_i for one sigmoid output (class 1 positive); adds Σ_i ∂/∂θ to grad. */
function binaryLoss({ design, total, perClass }: CountedDesign): Objective {
  const { rows, numeric, hot } = design;
  const k = design.layout.numeric.length;
  const c = design.layout.categorical.length;
  const bias = design.layout.width;
  return (theta, grad) => {
    let loss = 0;
    const logs = new LogSum();
    let biasGrad = 0;
    for (let i = 0; i < rows; i++) {
      const xi = i * k;
      const hi = i * c;
      let z = theta[bias] as number;
      for (let j = 0; j < k; j++) z += (numeric[xi + j] as number) * (theta[j] as number);
      for (let j = 0; j < c; j++) {
        const col = hot[hi + j] as number;
        if (col >= 0) z += theta[col] as number;
      }
      // n rows, `positive` of them class 1: n·log(1 + e^z) - positive·z, with
      // log(1 + e^z) = max(z, 0) + log(1 + e^-|z|); one exp serves the sigmoid too.
      const n = total[i] as number;
      const positive = perClass[2 * i + 1] as number;
      const e = Math.exp(-Math.abs(z));
      const p = z >= 0 ? 1 / (1 + e) : e / (1 + e);
      loss += n * Math.max(z, 0) - positive * z;
      if (n === 1) logs.add(1 + e);
      else loss += n * Math.log1p(e);
      const r = n * p - positive;
      for (let j = 0; j < k; j++) grad[j] = (grad[j] as number) + (numeric[xi + j] as number) * r;
      for (let j = 0; j < c; j++) {
        const col = hot[hi + j] as number;
        if (col >= 0) grad[col] = (grad[col] as number) + r;
      }
      biasGrad += r;
    }
    grad[bias] = biasGrad;
    return loss + logs.total();
  };
}

/** Σ_i logloss_i for a softmax over m outputs; adds Σ_i ∂/∂θ to grad. */
function softmaxLoss({ design, total, perClass }: CountedDesign, m: number): Objective {
  const { rows, numeric, hot } = design;
  const k = design.layout.numeric.length;
  const c = design.layout.categorical.length;
  const bias = design.layout.width * m;
  const z = new Float64Array(m);
  return (theta, grad) => {
    let loss = 0;
    const logs = new LogSum();
    for (let i = 0; i < rows; i++) {
      const xi = i * k;
      const hi = i * c;
      for (let o = 0; o < m; o++) z[o] = theta[bias + o] as number;
      for (let j = 0; j < k; j++) {
        const x = numeric[xi + j] as number;
        const w = j * m;
        for (let o = 0; o < m; o++) z[o] = (z[o] as number) + x * (theta[w + o] as number);
      }
      for (let j = 0; j < c; j++) {
        const col = hot[hi + j] as number;
        if (col < 0) continue;
        const w = col * m;
        for (let o = 0; o < m; o++) z[o] = (z[o] as number) + (theta[w + o] as number);
      }
      // n rows with class counts y_o: Σ_o y_o·(log Σ exp(z) - z_o) = n·(max + log Σ exp(z - max)) - Σ_o y_o·z_o.
      const n = total[i] as number;
      const counts = i * m;
      let max = Number.NEGATIVE_INFINITY;
      for (let o = 0; o < m; o++) {
        max = Math.max(max, z[o] as number);
        loss -= (perClass[counts + o] as number) * (z[o] as number);
      }
      let sum = 0;
      for (let o = 0; o < m; o++) {
        const e = Math.exp((z[o] as number) - max);
        z[o] = e;
        sum += e;
      }
      loss += n * max;
      if (n === 1) logs.add(sum);
      else loss += n * Math.log(sum);
      for (let o = 0; o < m; o++) z[o] = (n * (z[o] as number)) / sum - (perClass[counts + o] as number);
      for (let j = 0; j < k; j++) {
        const x = numeric[xi + j] as number;
        const w = j * m;
        for (let o = 0; o < m; o++) grad[w + o] = (grad[w + o] as number) + x * (z[o] as number);
      }
      for (let j = 0; j < c; j++) {
        const col = hot[hi + j] as number;
        if (col < 0) continue;
        const w = col * m;
        for (let o = 0; o < m; o++) grad[w + o] = (grad[w + o] as number) + (z[o] as number);
      }
      for (let o = 0; o < m; o++) grad[bias + o] = (grad[bias + o] as number) + (z[o] as number);
    }
    return loss + logs.total();
  };
}
