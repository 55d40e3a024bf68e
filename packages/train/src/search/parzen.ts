import { normalSf } from '@modelgate/core';
import type { RandomSource } from './random-source.js';

/**
 * A Gaussian mixture truncated to [low, high]: one component per observation
 * plus a wide prior component, as in Bergstra et al.'s adaptive Parzen
 * estimator. The prior keeps every density positive, so ratios stay finite.
 */
export interface ParzenEstimator {
  low: number;
  high: number;
  mus: number[];
  sigmas: number[];
  /** Normalised: they sum to 1. */
  weights: number[];
  /** Each component's probability mass inside [low, high]. */
  masses: number[];
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * P(a ≤ X ≤ b) for X ~ N(mu, sigma²), from the tail on the interval's side of the mean: both
 * probabilities subtracted are then small (or sum to at most 1), never two values near 1.
 */
export function normalMass(a: number, b: number, mu: number, sigma: number): number {
  const za = (a - mu) / sigma;
  const zb = (b - mu) / sigma;
  if (za >= 0) return normalSf(za) - normalSf(zb);
  if (zb <= 0) return normalSf(-zb) - normalSf(-za);
  return 1 - normalSf(-za) - normalSf(zb);
}

/**
 * Bandwidths from the gaps to the neighbouring means (the prior's mean
 * included), clipped to [range / min(100, n + 1), range].
 */
export function fitParzen(observations: readonly number[], low: number, high: number): ParzenEstimator {
  const range = high - low;
  const prior = { mu: (low + high) / 2, sigma: range };
  const sorted = [...observations, prior.mu].sort((a, b) => a - b);
  const minSigma = range / Math.min(100, observations.length + 1);
  const bandwidth = (mu: number): number => {
    const i = sorted.indexOf(mu);
    const left = i > 0 ? mu - (sorted[i - 1] ?? mu) : mu - low;
    const right = i < sorted.length - 1 ? (sorted[i + 1] ?? mu) - mu : high - mu;
    return Math.min(range, Math.max(minSigma, left, right));
  };
  const mus = [...observations, prior.mu];
  const sigmas = [...observations.map(bandwidth), prior.sigma];
  const weights = mus.map(() => 1 / mus.length);
  const masses = mus.map((mu, i) => {
    const sigma = sigmas[i] ?? range;
    return Math.max(1e-12, normalMass(low, high, mu, sigma));
  });
  return { low, high, mus, sigmas, weights, masses };
}

/** A draw from the truncated mixture: a component by weight, then its normal until it lands inside. */
export function sampleParzen(estimator: ParzenEstimator, random: RandomSource): number {
  const { low, high } = estimator;
  const c = random.weighted(estimator.weights);
  const mu = estimator.mus[c] ?? (low + high) / 2;
  const sigma = estimator.sigmas[c] ?? high - low;
  for (let tries = 0; tries < 100; tries++) {
    const x = mu + sigma * random.normal();
    if (x >= low && x <= high) return x;
  }
  return Math.min(high, Math.max(low, mu));
}

export function logDensity(estimator: ParzenEstimator, x: number): number {
  let sum = 0;
  estimator.mus.forEach((mu, i) => {
    const sigma = estimator.sigmas[i] ?? 1;
    const z = (x - mu) / sigma;
    const log = -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma);
    sum += ((estimator.weights[i] ?? 0) * Math.exp(log)) / (estimator.masses[i] ?? 1);
  });
  return Math.log(Math.max(sum, Number.MIN_VALUE));
}

/** log of the mixture's probability of [a, b]: an integer k is the interval [k - 0.5, k + 0.5]. */
export function logMass(estimator: ParzenEstimator, a: number, b: number): number {
  let sum = 0;
  estimator.mus.forEach((mu, i) => {
    const sigma = estimator.sigmas[i] ?? 1;
    const inside = normalMass(a, b, mu, sigma);
    sum += ((estimator.weights[i] ?? 0) * inside) / (estimator.masses[i] ?? 1);
  });
  return Math.log(Math.max(sum, Number.MIN_VALUE));
}

/** Category probabilities with one pseudo-count each (Laplace), so no category is ever ruled out. */
export function categoricalProbabilities(observed: readonly number[], categories: number): number[] {
  const counts = new Array<number>(categories).fill(1);
  for (const c of observed) counts[c] = (counts[c] ?? 1) + 1;
  const total = observed.length + categories;
  return counts.map((n) => n / total);
}
