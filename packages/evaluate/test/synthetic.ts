import type { CategoricalColumn, ClassificationInput, NumericColumn, RegressionInput } from '@modelgate/core';
import { type CostMeasurement, DEFAULT_COST_SETTINGS, type ScoredModel } from '../src/index.js';

/** mulberry32: a tiny seeded generator, so fixtures do not depend on any library's stream. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** True classes, and a model whose softmax favours the true class by `skill`. */
export function classification(
  yTrue: Int32Array,
  classes: readonly string[],
  skill: number,
  seed: number,
): ClassificationInput {
  const random = seeded(seed);
  const c = classes.length;
  const probabilities = new Float32Array(yTrue.length * c);
  yTrue.forEach((y, i) => {
    const logits = Array.from({ length: c }, (_, k) => (k === y ? skill : 0) + 2 * random());
    const top = Math.max(...logits);
    const exp = logits.map((l) => Math.exp(l - top));
    const sum = exp.reduce((a, b) => a + b, 0);
    exp.forEach((e, k) => {
      probabilities[i * c + k] = e / sum;
    });
  });
  return { yTrue, classes: c, classNames: classes, probabilities };
}

export function labels(n: number, classes: number, seed: number): Int32Array {
  const random = seeded(seed);
  return Int32Array.from({ length: n }, () => Math.floor(random() * classes));
}

export function regression(yTrue: Float64Array, noise: number, seed: number): RegressionInput {
  const random = seeded(seed);
  return { yTrue, yPred: Float64Array.from(yTrue, (y) => y + noise * (random() - 0.45)) };
}

export function categorical(name: string, values: readonly string[], codes: Int32Array): CategoricalColumn {
  return { kind: 'categorical', name, dictionary: [...values], codes };
}

export function numeric(name: string, values: Float64Array): NumericColumn {
  return { kind: 'numeric', name, values, valid: Uint8Array.from(values, (v) => (Number.isNaN(v) ? 0 : 1)) };
}

/** Timings fixed by hand: tests never depend on the clock. */
export function fixedCosts(size: number, p50: number, p99: number, throughput: number): CostMeasurement {
  return {
    model_size_mb: size,
    latency_p50_ms: p50,
    latency_p99_ms: p99,
    throughput_rows_per_s: throughput,
    settings: DEFAULT_COST_SETTINGS,
  };
}

export function scored(
  label: string,
  predictions: ScoredModel['predictions'],
  costs: CostMeasurement,
  features: string[],
  registry: ScoredModel['file']['registry'] = null,
): ScoredModel {
  return {
    file: { label, path: label, sha256: label.length.toString(16).padStart(64, 'c'), registry, bytes: 4096 },
    specSource: 'onnx-metadata',
    features,
    predictions,
    costs,
  };
}
