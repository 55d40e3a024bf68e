import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export type { RandomGenerator };

export function createRng(seed: number): RandomGenerator {
  return xoroshiro128plus(seed);
}

/** Fisher-Yates in place: the same generator state gives the same order. */
export function shuffleInPlace<T>(
  values: { [index: number]: T; length: number },
  rng: RandomGenerator,
): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    const swap = values[i] as T;
    values[i] = values[j] as T;
    values[j] = swap;
  }
}

export function shuffledRange(n: number, rng: RandomGenerator): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  shuffleInPlace(out, rng);
  return out;
}
