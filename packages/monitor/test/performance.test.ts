import { parseConfig } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import {
  assessPerformance,
  calibrate,
  estimateClassification,
  fitCalibrator,
  fitIsotonic,
  monitorOptionsFromConfig,
  type PerformanceMetric,
  predictIsotonic,
  realizedMetrics,
  resolveMonitorOptions,
} from '../src/index.js';

/** mulberry32: a seeded uniform generator, so the synthetic data is the same every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

function softmax(scores: number[]): number[] {
  const top = Math.max(...scores);
  const e = scores.map((s) => Math.exp(s - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

/**
 * Rows whose true class probabilities are softmax(w·x) and a model that
 * reports softmax(sharpness·w·x): over-confident for sharpness > 1. `shift`
 * moves the features (covariate shift) but not the relation (no concept drift).
 */
function synthetic(n: number, classes: number, seed: number, shift = 0, sharpness = 2.5) {
  const next = random(seed);
  const yTrue = new Int32Array(n);
  const model = new Float64Array(n * classes);
  const truth = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) {
    const x = gaussian(next) + shift;
    const z = gaussian(next);
    const scores = Array.from({ length: classes }, (_, k) => (k === 0 ? 0 : k * 0.9 * x - (k - 1) * 0.7 * z));
    const p = softmax(scores);
    const q = softmax(scores.map((s) => s * sharpness));
    let u = next();
    let y = classes - 1;
    for (let k = 0; k < classes; k++) {
      u -= p[k] as number;
      if (u < 0) {
        y = k;
        break;
      }
    }
    yTrue[i] = y;
    p.forEach((v, k) => {
      truth[i * classes + k] = v;
      model[i * classes + k] = q[k] as number;
    });
  }
  return { yTrue, model, truth };
}

const outputsOf = (probabilities: Float64Array, classes: number) => ({
  task: classes === 2 ? ('binary' as const) : ('multiclass' as const),
  classes: Array.from({ length: classes }, (_, k) => `c${k}`),
  probabilities,
});

describe('isotonic regression', () => {
  it('pools adjacent violators and interpolates between knots, as scikit-learn', () => {
    const fit = fitIsotonic([1, 2, 3, 4, 5], [1, 3, 2, 4, 3.5]);
    expect(Array.from(fit.y)).toEqual([1, 2.5, 2.5, 3.75, 3.75]);
    expect(predictIsotonic(fit, 1.5)).toBeCloseTo(1.75, 12);
    expect(predictIsotonic(fit, 0)).toBe(1);
    expect(predictIsotonic(fit, 9)).toBe(3.75);
  });

  it('pools equal x values first', () => {
    const fit = fitIsotonic([0.2, 0.2, 0.8], [0, 1, 1]);
    expect(Array.from(fit.x)).toEqual([0.2, 0.8]);
    expect(Array.from(fit.y)).toEqual([0.5, 1]);
  });
});

describe('CBPE', () => {
  it('with calibrated probabilities, expected accuracy is the mean top probability', () => {
    const { truth } = synthetic(2000, 3, 1);
    const estimate = estimateClassification(truth, truth, 3);
    let top = 0;
    for (let i = 0; i < 2000; i++)
      top += Math.max(truth[i * 3] as number, truth[i * 3 + 1] as number, truth[i * 3 + 2] as number);
    expect(estimate.accuracy).toBeCloseTo(top / 2000, 12);
  });

  for (const classes of [2, 3]) {
    it(`${classes} classes: calibrated on the reference, estimates are within 0.02 of the realized metrics, also under covariate shift`, () => {
      const reference = synthetic(20_000, classes, 11);
      const calibrator = fitCalibrator(reference.yTrue, reference.model, classes);
      for (const [seed, shift] of [
        [12, 0],
        [13, 0.8],
      ] as const) {
        const current = synthetic(20_000, classes, seed, shift);
        const outputs = outputsOf(current.model, classes);
        const all = Int32Array.from({ length: 20_000 }, (_, i) => i);
        const realized = realizedMetrics(outputs, current.yTrue, all);
        const estimated = estimateClassification(
          current.model,
          calibrate(calibrator, current.model, classes),
          classes,
        );
        const metrics: PerformanceMetric[] = [
          'accuracy',
          'f1_macro',
          'roc_auc',
          ...(classes === 2 ? (['f1'] as const) : []),
        ];
        for (const metric of metrics) {
          const r = realized[metric] as number;
          const e = estimated[metric] as number;
          expect(Math.abs(e - r), `${metric}: estimated ${e}, realized ${r}`).toBeLessThan(0.02);
        }
        // Uncalibrated, the over-confident model promises more than it delivers.
        const naive = estimateClassification(current.model, current.model, classes);
        expect((naive.accuracy as number) - (realized.accuracy as number)).toBeGreaterThan(0.03);
      }
    });
  }

  it('per chunk: realized on labeled rows only, estimates on every row', () => {
    const { yTrue, model } = synthetic(300, 2, 5);
    const labels = Int32Array.from(yTrue, (y, i) => (i % 3 === 0 ? -1 : y));
    const chunkOf = Int32Array.from({ length: 300 }, (_, i) => (i < 100 ? 0 : i < 290 ? 1 : -1));
    const result = assessPerformance(
      { outputs: outputsOf(model, 2), labels, calibrator: null, holdout: {}, sources: {} },
      chunkOf,
      2,
    );
    expect(result.chunks.map((c) => [c.rows, c.labeled])).toEqual([
      [100, 66],
      [190, 127],
    ]);
    expect(result.window).toMatchObject({ rows: 290, labeled: 193 });
    expect(result.chunks[0]?.estimated.accuracy).toBeGreaterThan(0.5);
    expect(result.chunks[0]?.realized.accuracy).toBeGreaterThan(0.5);
  });
});

describe('monitor.performance in modelgate.yaml', () => {
  it('sets the tolerances; flags and defaults fill the rest', () => {
    const config = parseConfig(
      'model: m\ntask: binary\ntarget: y\ndata: d.csv\nmonitor:\n  performance: { drop: 0.02, alert_on_estimates: false }\n',
      'test.yaml',
    );
    const options = monitorOptionsFromConfig(config);
    expect(options.performance).toEqual({ drop: 0.02, alertOnEstimates: false });
    expect(resolveMonitorOptions(options).performance).toEqual({
      drop: 0.02,
      rise: 0.2,
      alertOnEstimates: false,
    });
    expect(() => resolveMonitorOptions({ performance: { drop: -1 } })).toThrow(
      "monitor option 'performance.drop': expected a number ≥ 0, got -1.",
    );
  });
});
