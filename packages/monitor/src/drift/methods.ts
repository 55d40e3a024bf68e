import { DRIFT_METHOD_NAMES } from '@modelgate/core';
/** Evidently's names for its drift tests, so its users can read a config at a glance (defined with the config). */
export const DRIFT_METHODS = DRIFT_METHOD_NAMES;
export type DriftMethod = (typeof DRIFT_METHODS)[number];

/** Tests whose score is a p-value: drift when it falls below the threshold. The others are distances: drift at or above it. */
export const P_VALUE_METHODS: ReadonlySet<DriftMethod> = new Set(['ks', 'chisquare', 'z']);

/** Methods that compare whole numeric distributions; the rest compare bins or categories. */
export const NUMERIC_ONLY_METHODS: ReadonlySet<DriftMethod> = new Set(['ks', 'wasserstein']);

export const DEFAULT_THRESHOLDS: Readonly<Record<DriftMethod, number>> = {
  ks: 0.05,
  chisquare: 0.05,
  z: 0.05,
  wasserstein: 0.1,
  jensenshannon: 0.1,
  psi: 0.1,
  kl_div: 0.1,
  hellinger: 0.1,
};

export function isDriftMethod(name: string): name is DriftMethod {
  return (DRIFT_METHODS as readonly string[]).includes(name);
}

export function usesPValue(method: DriftMethod): boolean {
  return P_VALUE_METHODS.has(method);
}
