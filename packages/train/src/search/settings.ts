import { type SearchConfig, UserError } from '@modelgate/core';
import { gridSize } from './grid.js';
import type { HalvingSettings } from './halving.js';
import { isDiscrete, type SearchSpace } from './space.js';
import { defaultStartup } from './tpe.js';

export type Strategy = 'grid' | 'random' | 'tpe';

/** A search with every default filled in: what trials.json records. */
export interface SearchSettings {
  strategy: Strategy;
  /** Points of the space tried (on the first rung, with halving). */
  trials: number;
  /** TPE proposes this many points from the same observations (train.search.parallel). */
  batch: number;
  seed: number;
  gridPoints: number;
  /** TPE: random trials before the estimators take over. */
  startup: number;
  halving?: HalvingSettings;
}

export const DEFAULT_TRIALS = 20;
export const DEFAULT_GRID_POINTS = 3;
export const DEFAULT_ETA = 3;

/** Fills the defaults of `train.search`; `seed` is the fallback seed (the split's). */
export function resolveSearch(
  config: SearchConfig | undefined,
  space: SearchSpace,
  seed: number,
): SearchSettings {
  const strategy = config?.strategy ?? (isDiscrete(space) ? 'grid' : 'random');
  const gridPoints = config?.grid_points ?? DEFAULT_GRID_POINTS;
  let trials = config?.trials ?? DEFAULT_TRIALS;
  if (strategy === 'grid') {
    const size = gridSize(space, gridPoints);
    if (config?.trials !== undefined && size > config.trials) {
      throw new UserError(
        `train.search: the grid has ${size} points but trials is ${config.trials}. Raise train.search.trials, lower grid_points, or use strategy random or tpe.`,
      );
    }
    trials = size;
  } else if (isDiscrete(space)) {
    // Random draws from a finite space run out of new points; more trials would repeat them.
    trials = Math.min(trials, gridSize(space, gridPoints));
  }
  const halving = config?.halving
    ? { minBudget: config.halving.min_budget, eta: config.halving.eta ?? DEFAULT_ETA }
    : undefined;
  return {
    strategy,
    trials,
    batch: config?.parallel ?? 1,
    seed: config?.seed ?? seed,
    gridPoints,
    startup: defaultStartup(trials),
    ...(halving ? { halving } : {}),
  };
}
