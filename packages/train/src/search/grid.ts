import type { Params, ParamValue } from '../types.js';
import { type Dimension, roundValue, type SearchSpace, type TrialPoint } from './space.js';

function linspace(low: number, high: number, points: number): number[] {
  return Array.from({ length: points }, (_, i) => low + ((high - low) * i) / (points - 1));
}

/** The values a grid tries for one dimension: `points` evenly spaced (log-spaced for loguniform), ends included. */
export function gridValues(dimension: Dimension, points: number): ParamValue[] {
  switch (dimension.kind) {
    case 'constant':
      return [dimension.value];
    case 'choice':
      return [...dimension.values];
    case 'uniform':
      return linspace(dimension.low, dimension.high, points).map(roundValue);
    case 'loguniform':
      return linspace(Math.log(dimension.low), Math.log(dimension.high), points).map((v) =>
        roundValue(Math.exp(v)),
      );
    case 'int': {
      const all = dimension.high - dimension.low + 1;
      if (all <= points) return Array.from({ length: all }, (_, i) => dimension.low + i);
      return [...new Set(linspace(dimension.low, dimension.high, points).map(Math.round))];
    }
  }
}

/** Every combination, candidate by candidate, the last dimension varying fastest. */
export function gridPoints(space: SearchSpace, points: number): TrialPoint[] {
  const out: TrialPoint[] = [];
  space.forEach((candidate, index) => {
    let combos: Params[] = [{}];
    for (const [name, dimension] of candidate.dimensions) {
      const values = gridValues(dimension, points);
      combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [name]: value })));
    }
    for (const params of combos) out.push({ candidate: index, params });
  });
  return out;
}

/** How many points gridPoints gives, without building them. */
export function gridSize(space: SearchSpace, points: number): number {
  return space.reduce(
    (sum, c) => sum + c.dimensions.reduce((n, [, d]) => n * gridValues(d, points).length, 1),
    0,
  );
}
