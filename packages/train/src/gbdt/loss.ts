import type { Task } from '../types.js';

/**
 * Raw scores are laid out output-major: `raw[k * rows + i]` is row i's score
 * for output k (the class for multiclass, else the only output).
 */
export interface Loss {
  /** Trees per round. */
  readonly outputs: number;
  /** Squared error's hessian is 1 everywhere: histograms count rows instead of summing it. */
  readonly constantHessian: boolean;
  /** The prior: the mean, the log-odds, or the class log-frequencies. */
  baseline(target: ArrayLike<number>, rows: number): Float64Array;
  /**
   * Fills gradient/hessian pairs, interleaved so one memory access fetches both:
   * gh[2 * (k * rows + i)] is the gradient of row i for output k, the next slot its hessian.
   */
  gradients(raw: Float64Array, target: ArrayLike<number>, rows: number, gh: Float64Array): void;
  /** Mean loss: squared error, binary log loss, or multiclass log loss. */
  loss(raw: Float64Array, target: ArrayLike<number>, rows: number): number;
}

const MIN_PROBABILITY = 1e-15;
const MIN_HESSIAN = 1e-16;

const squaredError: Loss = {
  outputs: 1,
  constantHessian: true,
  baseline(target, rows) {
    let sum = 0;
    for (let i = 0; i < rows; i++) sum += target[i] as number;
    return Float64Array.of(rows > 0 ? sum / rows : 0);
  },
  gradients(raw, target, rows, gh) {
    for (let i = 0; i < rows; i++) {
      gh[2 * i] = (raw[i] as number) - (target[i] as number);
      gh[2 * i + 1] = 1;
    }
  },
  loss(raw, target, rows) {
    let sum = 0;
    for (let i = 0; i < rows; i++) {
      const d = (raw[i] as number) - (target[i] as number);
      sum += d * d;
    }
    return sum / rows;
  },
};

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

const binaryLogLoss: Loss = {
  outputs: 1,
  constantHessian: false,
  baseline(target, rows) {
    let positives = 0;
    for (let i = 0; i < rows; i++) positives += target[i] as number;
    const p = Math.min(Math.max(positives / rows, MIN_PROBABILITY), 1 - MIN_PROBABILITY);
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  gradients(raw, target, rows, gh) {
    for (let i = 0; i < rows; i++) {
      const p = 1 / (1 + Math.exp(-(raw[i] as number)));
      gh[2 * i] = p - (target[i] as number);
      const h = p * (1 - p);
      gh[2 * i + 1] = Math.max(h, MIN_HESSIAN);
    }
  },
  loss(raw, target, rows) {
    let sum = 0;
    for (let i = 0; i < rows; i++) {
      const s = raw[i] as number;
      sum += softplus(s) - (target[i] as number) * s;
    }
    return sum / rows;
  },
};

function softmaxLoss(classes: number): Loss {
  return {
    outputs: classes,
    constantHessian: false,
    baseline(target, rows) {
      const counts = new Float64Array(classes);
      for (let i = 0; i < rows; i++) {
        const k = target[i] as number;
        counts[k] = (counts[k] as number) + 1;
      }
      return counts.map((c) => Math.log(Math.max(c / rows, MIN_PROBABILITY)));
    },
    gradients(raw, target, rows, gh) {
      for (let i = 0; i < rows; i++) {
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < classes; k++) {
          const s = raw[k * rows + i] as number;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let k = 0; k < classes; k++) {
          const e = Math.exp((raw[k * rows + i] as number) - max);
          gh[2 * (k * rows + i)] = e;
          sum += e;
        }
        const y = target[i] as number;
        for (let k = 0; k < classes; k++) {
          const at = 2 * (k * rows + i);
          const p = (gh[at] as number) / sum;
          gh[at] = k === y ? p - 1 : p;
          const h = p * (1 - p);
          gh[at + 1] = Math.max(h, MIN_HESSIAN);
        }
      }
    },
    loss(raw, target, rows) {
      let total = 0;
      for (let i = 0; i < rows; i++) {
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < classes; k++) {
          const s = raw[k * rows + i] as number;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let k = 0; k < classes; k++) sum += Math.exp((raw[k * rows + i] as number) - max);
        total += max + Math.log(sum) - (raw[(target[i] as number) * rows + i] as number);
      }
      return total / rows;
    },
  };
}

export function lossFor(task: Task, classes: number): Loss {
  if (task === 'regression') return squaredError;
  if (task === 'binary') return binaryLogLoss;
  return softmaxLoss(classes);
}
