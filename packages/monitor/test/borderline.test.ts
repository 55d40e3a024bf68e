import { beforeAll, describe, expect, it } from 'vitest';
import { useDatabase } from '../../core/test/fixtures.js';
import {
  type ColumnDrift,
  type DriftOptions,
  detectDrift,
  driftFromSamples,
  P_VALUE_METHODS,
} from '../src/index.js';
import { loadFile, type Slice, sliceOf } from './slices.js';

const db = useDatabase();

const OPTIONS: Record<string, DriftOptions> = {
  defaults: {},
  wasserstein: { byKind: { numeric: { method: 'wasserstein' } } },
};

describe('every drift statistic carries its threshold and error bound', () => {
  let reference: Slice;
  let months: Slice[];
  beforeAll(async () => {
    const seattle = await loadFile(db(), 'seattle-weather.csv');
    reference = await sliceOf(db(), seattle, 'year(date) = 2012');
    months = [];
    // The year itself too: its KS bounds reach the threshold where a month's cannot.
    months.push(await sliceOf(db(), seattle, 'year(date) = 2015'));
    for (let m = 1; m <= 12; m++)
      months.push(await sliceOf(db(), seattle, `year(date) = 2015 AND month(date) = ${m}`));
  });

  it.each(Object.keys(OPTIONS))(
    '%s: the exact statistic lies within the bound, and only borderline calls can flip',
    (name) => {
      const options = { ...OPTIONS[name], minRows: 1 };
      let borderline = 0;
      for (const month of months) {
        const sketch = detectDrift(reference.profile, month.profile, options).columns;
        const exact = driftFromSamples(reference.columns, month.columns, options).columns;
        for (const [i, s] of sketch.entries()) {
          const e = exact[i] as ColumnDrift;
          if (s.status !== 'drift' && s.status !== 'stable') continue;
          const where = `${s.column} in ${month.profile.rows}-row month`;
          expect(s.method, where).not.toBeNull();
          expect(s.threshold, where).not.toBeNull();
          expect(s.pValue !== undefined, where).toBe(P_VALUE_METHODS.has(s.method as never));
          expect(e.sketchError, where).toBe(0);
          const bound = s.sketchError as number;
          expect(bound, where).toBeGreaterThanOrEqual(0);
          expect(Math.abs((e.statistic as number) - (s.statistic as number)), where).toBeLessThanOrEqual(
            bound + 1e-12,
          );
          if (s.borderline) borderline++;
          else expect(e.drifted, where).toBe(s.drifted);
        }
      }
      // The year's precipitation and wind: p 0.066 and 0.22, with p at D + bound below 0.05.
      if (name === 'defaults') expect(borderline).toBeGreaterThan(0);
    },
  );
});
