import { describe, expect, it } from 'vitest';
import { exactPromotionRate, simulateCell } from './gate-simulation.js';

/**
 * Decision quality of the champion/challenger gate, driven through
 * buildEvaluation (what `modelgate evaluate` runs) on simulated pairs of
 * binary classifiers whose errors are correlated. `npm run bench:gate` runs
 * the whole table with more pairs, beside a fixed-threshold rule.
 */
const MARGIN = 0.01;
const SETTINGS = { pairs: 400, margin: MARGIN, correlation: 0.5, seed: 42 };
const ROWS = [200, 1000, 5000];
const ACCURACIES = [0.8, 0.95];

describe('the gate promotes a challenger worse by the margin rarely, a better one often', () => {
  it.each(ROWS.flatMap((rows) => ACCURACIES.map((acc) => [rows, acc] as const)))(
    'n = %i, champion accuracy %d: worse by m promoted at most 5% of the time',
    (rows, championAccuracy) => {
      const result = simulateCell({ rows, championAccuracy, difference: -MARGIN }, SETTINGS);
      expect(result.gate).toBeLessThanOrEqual(0.05);
      // A fixed threshold on the point estimates promotes about half of them.
      expect(result.fixedThreshold).toBeGreaterThan(0.3);
    },
  );

  it.each(ROWS.filter((n) => n >= 1000).flatMap((rows) => ACCURACIES.map((acc) => [rows, acc] as const)))(
    'n = %i, champion accuracy %d: better by 0.03 promoted at least 80% of the time',
    (rows, championAccuracy) => {
      expect(
        simulateCell({ rows, championAccuracy, difference: 0.03 }, SETTINGS).gate,
      ).toBeGreaterThanOrEqual(0.8);
    },
  );

  it('holds exactly, whatever the correlation of the two models’ errors: P(promote | worse by m) <= 2.7%', () => {
    for (const rows of [200, 1000]) {
      for (const championAccuracy of ACCURACIES) {
        for (const correlation of [0, 0.3, 0.5, 0.8]) {
          const rate = exactPromotionRate(
            { rows, championAccuracy, difference: -MARGIN },
            correlation,
            MARGIN,
          );
          expect(rate, `n=${rows} acc=${championAccuracy} r=${correlation}`).toBeLessThanOrEqual(0.027);
          expect(rate).toBeGreaterThan(0.01);
        }
      }
    }
  });

  it('applies the default gate when none is configured, and none only for gate: none', () => {
    const worse = { rows: 1000, championAccuracy: 0.8, difference: -0.05 };
    const settings = { ...SETTINGS, pairs: 20 };
    expect(simulateCell(worse, settings, { gate: undefined }).gate).toBe(0);
    expect(simulateCell(worse, settings, { gate: {} }).gate).toBe(0);
    expect(simulateCell(worse, settings, { gate: 'none' }).gate).toBe(1);
    // Equal models: the default gate (margin 0.01 at 1000 rows) passes some of them.
    expect(simulateCell({ ...worse, difference: 0 }, settings, { gate: undefined }).gate).toBeGreaterThan(0);
  });
});
