import { describe, expect, it } from 'vitest';
import { ksTest, weightedFromSamples } from '../src/stats/index.js';
import { expectClose, fixtures } from './drift-fixtures.js';

describe('two-sample Kolmogorov–Smirnov against scipy.stats.ks_2samp', () => {
  it('matches statistic and p-value on every exact and asymptotic branch', () => {
    for (const { n1, n2, shift, statistic, pValue, mode } of fixtures.ks2samp) {
      const x = Float64Array.from({ length: n1 }, (_, i) => i / n1);
      const y = Float64Array.from({ length: n2 }, (_, j) => j / n2 + shift);
      const result = ksTest(weightedFromSamples(x), weightedFromSamples(y));
      const label = `n1=${n1} n2=${n2} shift=${shift}`;
      expectClose(result.statistic, statistic, 1e-12, label);
      expectClose(result.pValue, pValue, 1e-9, label);
      expect(result.mode, label).toBe(mode);
    }
  });
});
