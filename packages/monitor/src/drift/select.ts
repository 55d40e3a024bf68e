import { UserError } from '@modelgate/core';
import { categoriesOf, categoryBins, occupiedBins } from './category-bins.js';
import { type Comparable, isDiscrete } from './distribution.js';
import { type DriftMethod, NUMERIC_ONLY_METHODS, usesPValue } from './methods.js';
import type { DriftSettings, MethodChoice } from './options.js';

export interface ChosenMethod {
  method: DriftMethod;
  threshold: number;
  bins: number;
}

/**
 * Evidently's defaults: numeric columns with more than five distinct values
 * get KS up to `smallReference` reference values and the normalised
 * Wasserstein distance above; categories (and numbers with few values) get
 * chi-squared, or the z-test when there are two, up to `smallReference`, and
 * the Jensen–Shannon distance above. Datetimes and text get nothing.
 */
export function defaultMethod(
  reference: Comparable,
  current: Comparable,
  smallReference: number,
): DriftMethod | null {
  const small = reference.count <= smallReference;
  if (reference.shape === 'numeric') {
    if (reference.kind === 'datetime') return null;
    if (!isDiscrete(reference)) return small ? 'ks' : 'wasserstein';
  }
  if (!small) return 'jensenshannon';
  return occupiedBins(categoryBins(categoriesOf(reference), categoriesOf(current))) <= 2 ? 'z' : 'chisquare';
}

/** The configured choice for a column (its own fields over its kind's), or the default; null when untested. */
export function chooseMethod(
  name: string,
  reference: Comparable,
  current: Comparable,
  settings: DriftSettings,
): ChosenMethod | null {
  const kind = reference.kind;
  const byKind = settings.byKind[kind] ?? (kind === 'boolean' ? settings.byKind.categorical : undefined);
  const choice: MethodChoice = { ...byKind, ...settings.byColumn[name] };
  const method = choice.method ?? defaultMethod(reference, current, settings.smallReference);
  if (!method) return null;
  if (reference.shape === 'categorical' && NUMERIC_ONLY_METHODS.has(method)) {
    throw new UserError(
      `drift method for column '${name}': ${method} compares numbers and '${name}' is ${kind}. Expected chisquare, z, jensenshannon, psi, kl_div or hellinger.`,
    );
  }
  const threshold = choice.threshold ?? settings.thresholds[method];
  if (usesPValue(method) && !(threshold < 1)) {
    throw new UserError(
      `drift threshold for column '${name}': ${threshold} is not a p-value, and ${method} compares p-values. Expected a number in (0, 1).`,
    );
  }
  return { method, threshold, bins: choice.bins ?? settings.bins };
}
