/**
 * Successive halving: every trial starts on a small share of its trainer's
 * budget (e.g. boosting rounds); after each rung only the best 1/eta go on,
 * with eta times the budget, up to the full budget.
 */
export interface HalvingSettings {
  /** Share of the full budget of the first rung, in (0, 1]. */
  minBudget: number;
  eta: number;
}

/**
 * The share of the full budget at each rung, lowest first: 1/eta^K, …,
 * 1/eta, 1, with K the most rungs whose first share is still >= minBudget.
 */
export function rungFractions(settings: HalvingSettings | undefined): number[] {
  if (!settings) return [1];
  const rungs = Math.floor(Math.log(1 / settings.minBudget) / Math.log(settings.eta) + 1e-9);
  return Array.from({ length: rungs + 1 }, (_, k) => settings.eta ** -(rungs - k));
}

/** A trainer's budget for a rung: at least 1 unit; undefined (the trainer's own) at the top rung. */
export function rungBudget(max: number | undefined, fraction: number): number | undefined {
  if (max === undefined || fraction >= 1) return undefined;
  return Math.max(1, Math.round(fraction * max));
}

/** How many of `finished` trials go on to the next rung: the best 1/eta, at least one. */
export function promotedCount(finished: number, eta: number): number {
  return finished === 0 ? 0 : Math.max(1, Math.floor(finished / eta));
}

/** Trial evaluations planned: `trials` on the first rung, then 1/eta of them per rung (if none fail). */
export function plannedEvaluations(trials: number, settings: HalvingSettings | undefined): number {
  let total = 0;
  let alive = trials;
  for (const _ of rungFractions(settings)) {
    total += alive;
    alive = promotedCount(alive, settings?.eta ?? 1);
  }
  return total;
}
