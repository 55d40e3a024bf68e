import type { ParamValue } from '../types.js';
import type { RandomSource } from './random-source.js';
import { type Dimension, pointKey, roundValue, type SearchSpace, type TrialPoint } from './space.js';

export function sampleDimension(dimension: Dimension, random: RandomSource): ParamValue {
  switch (dimension.kind) {
    case 'constant':
      return dimension.value;
    case 'choice':
      return dimension.values[random.int(0, dimension.values.length - 1)] as ParamValue;
    case 'int':
      return random.int(dimension.low, dimension.high);
    case 'uniform':
      return roundValue(dimension.low + random.float() * (dimension.high - dimension.low));
    case 'loguniform': {
      const [low, high] = [Math.log(dimension.low), Math.log(dimension.high)];
      return roundValue(Math.exp(low + random.float() * (high - low)));
    }
  }
}

/** A candidate drawn uniformly, then each of its dimensions from its own distribution. */
export function samplePoint(space: SearchSpace, random: RandomSource): TrialPoint {
  const candidate = random.int(0, space.length - 1);
  const params = Object.fromEntries(
    (space[candidate]?.dimensions ?? []).map(([name, d]) => [name, sampleDimension(d, random)]),
  );
  return { candidate, params };
}

/** Draws after which a repeat is accepted: a small discrete space cannot give more distinct points. */
const MAX_REDRAWS = 100;

/**
 * `count` points drawn at random, avoiding points already in `seen` (and
 * each other) while fresh ones can be found.
 */
export function randomPoints(
  space: SearchSpace,
  count: number,
  random: RandomSource,
  seen: Set<string> = new Set(),
): TrialPoint[] {
  const out: TrialPoint[] = [];
  for (let i = 0; i < count; i++) {
    let point = samplePoint(space, random);
    for (let tries = 0; seen.has(pointKey(point)) && tries < MAX_REDRAWS; tries++) {
      point = samplePoint(space, random);
    }
    seen.add(pointKey(point));
    out.push(point);
  }
  return out;
}
