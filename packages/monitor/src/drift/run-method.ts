import { binShares, binWeights, equalFrequencyEdges } from '../stats/binning.js';
import { chiSquare } from '../stats/chisquare.js';
import { hellinger, jensenShannon, klDivergence, psi } from '../stats/divergence.js';
import { ksTest } from '../stats/ks.js';
import { wasserstein } from '../stats/wasserstein.js';
import type { WeightedValues } from '../stats/weighted.js';
import { twoProportionZ } from '../stats/z-test.js';
import { type CategoryBins, categoriesOf, categoryBins } from './category-bins.js';
import { type Comparable, isDiscrete, type NumericDistribution } from './distribution.js';
import type { DriftMethod } from './methods.js';
import { ksSketchError, wassersteinSketchError } from './sketch-error.js';

/** Evidently's floor on the reference std when normalising the Wasserstein distance. */
export const MIN_NORMALISING_STD = 0.001;

export interface MethodOutcome {
  statistic: number;
  pValue?: number;
  /** Bins compared, after dropping those empty on both sides. */
  bins?: number;
  /** Whether the empty-bin rule added its epsilon. */
  smoothed?: boolean;
  /** Bound on |statistic − exact statistic| when both sides are sketches. */
  sketchError?: number;
}

export interface MethodSettings {
  bins: number;
  jensenShannonBase: number | undefined;
}

/** A method that cannot run on this pair of columns says why. */
export type MethodRun = MethodOutcome | { skip: string };

function clamped(side: NumericDistribution): WeightedValues {
  const { min, max } = side;
  if (side.buckets === null || min === null || max === null) return side.values;
  return { ...side.values, values: side.values.values.map((x) => Math.min(max, Math.max(min, x))) };
}

function numericBins(reference: NumericDistribution, current: NumericDistribution, bins: number) {
  const edges = equalFrequencyEdges(reference.values, bins);
  return { reference: binWeights(reference.values, edges), current: binWeights(current.values, edges) };
}

type BinnedMethod = Exclude<DriftMethod, 'ks' | 'wasserstein' | 'z'>;

function binned(
  method: BinnedMethod,
  counts: { reference: readonly number[]; current: readonly number[] },
  settings: MethodSettings,
): MethodOutcome {
  const { p, q, current, smoothed } = binShares(counts.reference, counts.current);
  const outcome = { bins: p.length, smoothed };
  switch (method) {
    case 'chisquare': {
      const n = current.reduce((s, x) => s + x, 0);
      const result = chiSquare(
        smoothed ? q.map((x) => x * n) : current,
        p.map((x) => x * n),
      );
      return { ...outcome, statistic: result.statistic, pValue: result.pValue };
    }
    case 'jensenshannon':
      return { ...outcome, statistic: jensenShannon(p, q, settings.jensenShannonBase) };
    case 'psi':
      return { ...outcome, statistic: psi(p, q) };
    case 'kl_div':
      return { ...outcome, statistic: klDivergence(p, q) };
    case 'hellinger':
      return { ...outcome, statistic: hellinger(p, q) };
  }
}

function zTest(bins: CategoryBins): MethodRun {
  const kept = bins.reference.flatMap((r, i) => (r > 0 || (bins.current[i] as number) > 0 ? [i] : []));
  if (kept.length !== 2) return { skip: `z needs two categories; found ${kept.length}` };
  const first = kept[0] as number;
  const n1 = bins.reference.reduce((s, x) => s + x, 0);
  const n2 = bins.current.reduce((s, x) => s + x, 0);
  const { statistic, pValue } = twoProportionZ(
    bins.reference[first] as number,
    n1,
    bins.current[first] as number,
    n2,
  );
  return { statistic, pValue, bins: 2 };
}

function numericTest(method: 'ks' | 'wasserstein', reference: Comparable, current: Comparable): MethodRun {
  if (reference.shape !== 'numeric' || current.shape !== 'numeric') {
    return { skip: `${method} needs numeric values` };
  }
  const sketched = reference.buckets !== null && current.buckets !== null;
  if (method === 'ks') {
    const { statistic, pValue } = ksTest(reference.values, current.values);
    return {
      statistic,
      pValue,
      ...(sketched ? { sketchError: ksSketchError(reference, current, statistic) } : {}),
    };
  }
  const norm = Math.max(reference.std ?? 0, MIN_NORMALISING_STD);
  const distance = wasserstein(clamped(reference), clamped(current));
  return {
    statistic: distance / norm,
    ...(sketched ? { sketchError: wassersteinSketchError(reference, current, distance) / norm } : {}),
  };
}

/** Runs one drift method on a reference and a current column of the same shape. */
export function runMethod(
  method: DriftMethod,
  reference: Comparable,
  current: Comparable,
  settings: MethodSettings,
): MethodRun {
  if (method === 'ks' || method === 'wasserstein') return numericTest(method, reference, current);
  if (isDiscrete(reference)) {
    const bins = categoryBins(categoriesOf(reference), categoriesOf(current));
    return method === 'z' ? zTest(bins) : binned(method, bins, settings);
  }
  if (reference.shape !== 'numeric' || current.shape !== 'numeric') return { skip: 'shapes differ' };
  if (method === 'z')
    return { skip: `z needs a binary column; the reference has ${reference.distinct} values` };
  return binned(method, numericBins(reference, current, settings.bins), settings);
}
