import { gammaQ } from './gamma.js';

/** P(Z ≥ z) for a standard normal Z: erfc through Q(1/2, z²/2), so the far tail keeps its relative accuracy. */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const tail = 0.5 * gammaQ(0.5, (z * z) / 2);
  return z >= 0 ? tail : 1 - tail;
}
