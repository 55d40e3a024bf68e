import type { Correction } from './options.js';

/**
 * p-values adjusted for testing many columns at once: Bonferroni multiplies
 * by the number of tests; Benjamini–Hochberg is the step-up false discovery
 * rate adjustment (statsmodels' fdr_bh). Compare the result with the threshold.
 */
export function adjustPValues(pValues: readonly number[], correction: Correction): number[] {
  const m = pValues.length;
  if (correction === 'none') return [...pValues];
  if (correction === 'bonferroni') return pValues.map((p) => Math.min(1, p * m));
  const order = pValues.map((_, i) => i).sort((a, b) => (pValues[a] as number) - (pValues[b] as number));
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const i = order[rank] as number;
    running = Math.min(running, ((pValues[i] as number) * m) / (rank + 1));
    adjusted[i] = running;
  }
  return adjusted;
}
