import { type WeightedValues, walkUnion } from './weighted.js';

/** The first Wasserstein distance ∫|F_a − F_b| dx (scipy.stats.wasserstein_distance with weights). */
export function wasserstein(a: WeightedValues, b: WeightedValues): number {
  let sum = 0;
  let previous: { value: number; gap: number } | null = null;
  walkUnion(a, b, (value, cumA, cumB) => {
    if (previous) sum += previous.gap * (value - previous.value);
    previous = { value, gap: Math.abs(cumA / a.total - cumB / b.total) };
  });
  return sum;
}
