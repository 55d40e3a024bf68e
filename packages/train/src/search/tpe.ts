import type { Params, ParamValue } from '../types.js';
import {
  categoricalProbabilities,
  fitParzen,
  logDensity,
  logMass,
  type ParzenEstimator,
  sampleParzen,
} from './parzen.js';
import { samplePoint } from './random.js';
import type { RandomSource } from './random-source.js';
import { type Dimension, roundValue, type SearchSpace, type TrialPoint } from './space.js';

/** A finished trial as TPE sees it: lower loss is better. */
export interface Observation {
  point: TrialPoint;
  loss: number;
}

export interface TpeOptions {
  /** Trials drawn at random before the estimators take over. */
  startup: number;
  /** Share of observations that count as good. Default 0.25. */
  gamma?: number;
  /** Points drawn from the good estimator, of which the best ratio wins. Default 24. */
  samples?: number;
}

const MAX_GOOD = 25;

/** Random trials before TPE: enough to see the space, at most 10 (Optuna's default). */
export function defaultStartup(trials: number): number {
  return Math.min(10, Math.max(2, Math.ceil(trials / 4)));
}

/** A dimension's estimator: a categorical over choices, or a Parzen mixture on its (log) scale. */
type Estimator =
  | { kind: 'categorical'; probabilities: number[] }
  | { kind: 'parzen'; parzen: ParzenEstimator };

function numericBounds(d: Dimension): [number, number] {
  if (d.kind === 'loguniform') return [Math.log(d.low), Math.log(d.high)];
  if (d.kind === 'int') return [d.low - 0.5, d.high + 0.5];
  if (d.kind === 'uniform') return [d.low, d.high];
  return [0, 0];
}

function toScale(d: Dimension, value: ParamValue): number {
  const x = Number(value);
  return d.kind === 'loguniform' ? Math.log(x) : x;
}

function fitEstimator(d: Dimension, values: readonly ParamValue[]): Estimator | undefined {
  if (d.kind === 'constant') return undefined;
  if (d.kind === 'choice') {
    const indices = values.map((v) => d.values.indexOf(v)).filter((i) => i >= 0);
    return { kind: 'categorical', probabilities: categoricalProbabilities(indices, d.values.length) };
  }
  const [low, high] = numericBounds(d);
  return {
    kind: 'parzen',
    parzen: fitParzen(
      values.map((v) => toScale(d, v)),
      low,
      high,
    ),
  };
}

function draw(d: Dimension, estimator: Estimator | undefined, random: RandomSource): ParamValue {
  if (d.kind === 'constant' || !estimator) return d.kind === 'constant' ? d.value : 0;
  if (estimator.kind === 'categorical') {
    const values = d.kind === 'choice' ? d.values : [];
    return values[random.weighted(estimator.probabilities)] as ParamValue;
  }
  const x = sampleParzen(estimator.parzen, random);
  if (d.kind === 'int') return Math.min(d.high, Math.max(d.low, Math.round(x)));
  return roundValue(d.kind === 'loguniform' ? Math.exp(x) : x);
}

function logLikelihood(d: Dimension, estimator: Estimator | undefined, value: ParamValue): number {
  if (!estimator) return 0;
  if (estimator.kind === 'categorical') {
    const i = d.kind === 'choice' ? d.values.indexOf(value) : -1;
    return Math.log(estimator.probabilities[i] ?? Number.MIN_VALUE);
  }
  if (d.kind === 'int') return logMass(estimator.parzen, Number(value) - 0.5, Number(value) + 0.5);
  return logDensity(estimator.parzen, toScale(d, value));
}

interface Split {
  good: Observation[];
  bad: Observation[];
}

/** Best first; ties keep the order the trials ran in, so the split is deterministic. */
function splitObservations(observations: readonly Observation[], gamma: number): Split {
  const sorted = observations
    .map((o, i) => ({ o, i }))
    .sort((a, b) => a.o.loss - b.o.loss || a.i - b.i)
    .map(({ o }) => o);
  const good = Math.min(MAX_GOOD, Math.max(1, Math.ceil(gamma * sorted.length)));
  return { good: sorted.slice(0, good), bad: sorted.slice(good) };
}

/** l(x) from the good trials and g(x) from the bad, per candidate (the space is a tree). */
class Estimators {
  private readonly cache = new Map<string, Estimator | undefined>();

  constructor(
    private readonly space: SearchSpace,
    private readonly observations: readonly Observation[],
  ) {}

  candidate(): number[] {
    return categoricalProbabilities(
      this.observations.map((o) => o.point.candidate),
      this.space.length,
    );
  }

  dimension(candidate: number, name: string, d: Dimension): Estimator | undefined {
    const key = `${candidate}\u0000${name}`;
    if (!this.cache.has(key)) {
      const values = this.observations
        .filter((o) => o.point.candidate === candidate && o.point.params[name] !== undefined)
        .map((o) => o.point.params[name] as ParamValue);
      this.cache.set(key, fitEstimator(d, values));
    }
    return this.cache.get(key);
  }
}

/**
 * The next point of a Tree-structured Parzen Estimator search: observations
 * split at the gamma quantile of the loss into good and bad, a density per
 * dimension for each, and of `samples` points drawn from the good densities
 * the one with the highest l(x)/g(x), which maximises expected improvement.
 * Before `startup` observations, a random point.
 */
export function proposeTpe(
  space: SearchSpace,
  observations: readonly Observation[],
  random: RandomSource,
  options: TpeOptions,
): TrialPoint {
  if (observations.length < Math.max(2, options.startup)) return samplePoint(space, random);
  const { good, bad } = splitObservations(observations, options.gamma ?? 0.25);
  const l = new Estimators(space, good);
  const g = new Estimators(space, bad);
  const lCandidate = l.candidate();
  const gCandidate = g.candidate();
  let best: { point: TrialPoint; score: number } | undefined;
  for (let s = 0; s < (options.samples ?? 24); s++) {
    const candidate = random.weighted(lCandidate);
    const dimensions = space[candidate]?.dimensions ?? [];
    let score = Math.log(lCandidate[candidate] ?? 1) - Math.log(gCandidate[candidate] ?? 1);
    const params: Record<string, ParamValue> = {};
    for (const [name, d] of dimensions) {
      const value = draw(d, l.dimension(candidate, name, d), random);
      params[name] = value;
      score +=
        logLikelihood(d, l.dimension(candidate, name, d), value) -
        logLikelihood(d, g.dimension(candidate, name, d), value);
    }
    if (!best || score > best.score) best = { point: { candidate, params: params as Params }, score };
  }
  return best?.point ?? samplePoint(space, random);
}
