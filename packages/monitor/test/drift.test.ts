import { type DataProfile, type Dataset, mergeProfiles, profileDataset } from '@modelgate/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectUserError, useDatabase } from '../../core/test/fixtures.js';
import { categoryBins, OTHER_BIN } from '../src/drift/category-bins.js';
import {
  adjustPValues,
  type ColumnDrift,
  type DriftOptions,
  type DriftReport,
  detectDrift,
  driftFromSamples,
} from '../src/index.js';
import { derivedSource, loadFile, type Slice, sliceOf } from './slices.js';

const db = useDatabase();

function column(report: DriftReport, name: string): ColumnDrift {
  const found = [...report.columns, ...(report.predictions?.columns ?? [])].find((c) => c.column === name);
  if (!found) throw new Error(`no column ${name} in the report`);
  return found;
}

/** seattle-weather with columns of every shape the selection distinguishes. */
const SEATTLE_COLUMNS = [
  '*',
  '1.5 AS constant',
  'CASE WHEN year(date) = 2012 THEN 1.5 ELSE 2.5 END AS shifted',
  'CAST(wind > 3 AS INTEGER) AS windy',
  'CAST(round(precipitation) AS INTEGER) % 3 AS few',
  'wind > 3 AS gusty',
  "'day ' || CAST(rowid AS VARCHAR) AS label",
].join(', ');

let seattle: Dataset;
let y2012: Slice;
let y2015: Slice;
let all: Slice;

beforeAll(async () => {
  seattle = await derivedSource(db(), 'seattle-weather.csv', SEATTLE_COLUMNS);
  y2012 = await sliceOf(db(), seattle, 'year(date) = 2012');
  y2015 = await sliceOf(db(), seattle, 'year(date) = 2015');
  all = await sliceOf(db(), seattle, 'true');
});

describe('test selection', () => {
  it("chooses Evidently's defaults by kind, cardinality and reference size", () => {
    const small = detectDrift(y2012.profile, y2015.profile);
    const methods = Object.fromEntries(small.columns.map((c) => [c.column, [c.method, c.status]]));
    expect(methods).toEqual({
      date: [null, 'skipped'],
      precipitation: ['ks', 'stable'],
      temp_max: ['ks', 'drift'],
      temp_min: ['ks', 'drift'],
      wind: ['ks', 'stable'],
      weather: ['chisquare', 'drift'],
      constant: ['z', 'constant'],
      shifted: ['z', 'drift'],
      windy: ['z', 'stable'],
      few: ['chisquare', 'drift'],
      gusty: ['z', 'stable'],
      label: [null, 'skipped'],
    });
    expect(column(small, 'date').detail).toMatch(
      /datetime columns are tested only when a method is configured/,
    );
    expect(column(small, 'label').detail).toBe('text columns are not tested');

    const large = detectDrift(all.profile, y2015.profile);
    expect(column(large, 'temp_max').method).toBe('wasserstein');
    expect(column(large, 'weather').method).toBe('jensenshannon');
    expect(column(large, 'gusty').method).toBe('jensenshannon');
    expect(column(large, 'temp_max').threshold).toBe(0.1);
    expect(column(detectDrift(all.profile, y2015.profile, { smallReference: 2000 }), 'temp_max').method).toBe(
      'ks',
    );
  });

  it('takes methods and thresholds by kind, by column and by method', () => {
    const options: DriftOptions = {
      byKind: {
        numeric: { method: 'psi', bins: 5 },
        categorical: { method: 'hellinger' },
        datetime: { method: 'ks' },
      },
      byColumn: { wind: { method: 'wasserstein', threshold: 0.5 }, temp_min: { threshold: 0.2 } },
      thresholds: { hellinger: 0.3 },
    };
    const report = detectDrift(y2012.profile, y2015.profile, options);
    expect([column(report, 'temp_max').method, column(report, 'temp_max').bins]).toEqual(['psi', 5]);
    expect([column(report, 'temp_min').method, column(report, 'temp_min').threshold]).toEqual(['psi', 0.2]);
    expect([column(report, 'wind').method, column(report, 'wind').threshold]).toEqual(['wasserstein', 0.5]);
    expect([column(report, 'weather').method, column(report, 'weather').threshold]).toEqual([
      'hellinger',
      0.3,
    ]);
    // Boolean columns fall back to the categorical choice; datetimes are tested once configured.
    expect(column(report, 'gusty').method).toBe('hellinger');
    expect([column(report, 'date').method, column(report, 'date').statistic]).toEqual(['ks', 1]);
  });

  it('honours the configured number of bins on both paths', () => {
    for (const bins of [3, 7, 13, 20]) {
      const options: DriftOptions = {
        columns: ['temp_max'],
        byKind: { numeric: { method: 'jensenshannon', bins } },
      };
      expect(column(detectDrift(y2012.profile, y2015.profile, options), 'temp_max').bins).toBe(bins);
      expect(column(driftFromSamples(y2012.columns, y2015.columns, options), 'temp_max').bins).toBe(bins);
    }
  });

  it('sends categories the reference never saw to an explicit other bin', async () => {
    const penguins = await loadFile(db(), 'penguins.json');
    const biscoe = await sliceOf(db(), penguins, `"Island" = 'Biscoe'`);
    const dream = await sliceOf(db(), penguins, `"Island" = 'Dream'`);
    const bins = categoryBins(
      biscoe.profile.columns.Species as never,
      dream.profile.columns.Species as never,
    );
    expect(bins).toEqual({
      labels: ['Gentoo', 'Adelie', OTHER_BIN],
      reference: [124, 44, 0],
      current: [0, 56, 68],
    });
    const species = column(detectDrift(biscoe.profile, dream.profile), 'Species');
    expect([species.method, species.bins, species.smoothed, species.status]).toEqual([
      'chisquare',
      3,
      true,
      'drift',
    ]);
  });
});

describe('what never alarms', () => {
  it('identical data: every statistic 0, every p-value 1, on both paths', () => {
    for (const report of [
      detectDrift(y2012.profile, y2012.profile),
      driftFromSamples(y2012.columns, y2012.columns),
      detectDrift(all.profile, all.profile),
    ]) {
      expect(report.drifted).toBe(0);
      expect(report.datasetDrift).toBe(false);
      for (const c of report.columns.filter((c) => c.status === 'stable')) {
        expect(c.statistic, c.column).toBeCloseTo(0, 12);
        if (c.pValue !== undefined) expect(c.pValue, c.column).toBe(1);
      }
    }
  });

  it('constant columns: the same constant is never drift, a different one is', () => {
    for (const report of [
      detectDrift(y2012.profile, y2015.profile),
      driftFromSamples(y2012.columns, y2015.columns),
      detectDrift(all.profile, y2015.profile),
    ]) {
      expect(column(report, 'constant')).toMatchObject({ status: 'constant', drifted: false, statistic: 0 });
      expect(column(report, 'constant').detail).toBe('constant 1.5 on both sides');
    }
    const shifted = detectDrift(y2012.profile, y2015.profile, {
      byColumn: { shifted: { method: 'wasserstein' } },
    });
    // The reference std is 0, so the distance is normalised by Evidently's floor of 0.001.
    expect(column(shifted, 'shifted')).toMatchObject({ status: 'drift', statistic: 1000 });
  });

  it('a window below minRows is too small, not drift', async () => {
    const tiny = await sliceOf(db(), seattle, 'year(date) = 2015 AND month(date) = 1 AND day(date) <= 12');
    const report = detectDrift(y2012.profile, tiny.profile);
    expect(report.tooSmall).toBe(true);
    expect([report.evaluated, report.drifted, report.share, report.datasetDrift]).toEqual([0, 0, 0, false]);
    const tested = report.columns.filter((c) => c.status !== 'skipped');
    expect(tested.every((c) => c.status === 'too_small' && !c.drifted)).toBe(true);
    expect(column(report, 'temp_max').detail).toBe('the current data has 12 values; at least 30 are needed');
    const allowed = detectDrift(y2012.profile, tiny.profile, { minRows: 10 });
    expect(allowed.tooSmall).toBe(false);
    expect(column(allowed, 'temp_max').status).toMatch(/^(drift|stable)$/);
  });
});

describe('windows from many profiles', () => {
  it('hourly profiles merged into one window give the drift of the whole window', async () => {
    const flights = await loadFile(db(), 'flights-200k.json');
    const morning = await profileDataset(db(), (await sliceOf(db(), flights, 'time < 12')).dataset);
    const hours: DataProfile[] = [];
    for (let hour = 12; hour < 24; hour++) {
      hours.push((await sliceOf(db(), flights, `time >= ${hour} AND time < ${hour + 1}`)).profile);
    }
    const merged = mergeProfiles(hours[0] as DataProfile, ...hours.slice(1));
    const whole = (await sliceOf(db(), flights, 'time >= 12')).profile;
    for (const options of [{}, { byKind: { numeric: { method: 'ks' as const } } }]) {
      const [fromHours, fromWhole] = [
        detectDrift(morning, merged, options),
        detectDrift(morning, whole, options),
      ];
      expect(fromHours.current.rows).toBe(121154);
      fromWhole.columns.forEach((expected, i) => {
        const actual = fromHours.columns[i] as ColumnDrift;
        expect([actual.column, actual.method, actual.status]).toEqual([
          expected.column,
          expected.method,
          expected.status,
        ]);
        expect(actual.statistic as number).toBeCloseTo(expected.statistic as number, 12);
        expect(actual.sketchError as number).toBeCloseTo(expected.sketchError as number, 12);
      });
    }
  });
});

describe('across columns', () => {
  const features = ['precipitation', 'temp_max', 'temp_min', 'wind', 'weather'];

  it('corrects p-values for multiple testing when asked', () => {
    const drifted = (options: DriftOptions) =>
      driftFromSamples(y2012.columns, y2015.columns, { columns: features, ...options });
    const none = drifted({});
    expect(column(none, 'temp_min')).toMatchObject({ status: 'drift' });
    expect(column(none, 'temp_min').adjustedPValue).toBeUndefined();
    const p = column(none, 'temp_min').pValue as number;

    const bonferroni = column(drifted({ correction: 'bonferroni' }), 'temp_min');
    expect(bonferroni.adjustedPValue).toBeCloseTo(5 * p, 15);
    expect(bonferroni.status).toBe('stable');
    expect(bonferroni.detail).toMatch(
      /^KS D 0\.118, p 0\.0112 \(bonferroni 0\.0562\) ≥ 0\.05, 366 → 365 values$/,
    );

    // Third smallest of five: 5/3 · p.
    const bh = column(drifted({ correction: 'bh' }), 'temp_min');
    expect(bh.adjustedPValue).toBeCloseTo((5 / 3) * p, 15);
    expect(bh.status).toBe('drift');
  });

  it('adjusts like R p.adjust and statsmodels', () => {
    expect(adjustPValues([0.01, 0.04, 0.03, 0.005], 'bh')).toEqual([0.02, 0.04, 0.04, 0.02]);
    const bonferroni = adjustPValues([0.01, 0.3, 0.5], 'bonferroni');
    [0.03, 0.9, 1].forEach((p, i) => {
      expect(bonferroni[i]).toBeCloseTo(p, 15);
    });
    expect(adjustPValues([0.2], 'none')).toEqual([0.2]);
  });

  it('shares drifted columns into dataset drift at the configured threshold', () => {
    const report = detectDrift(y2012.profile, y2015.profile, { columns: features });
    expect([report.evaluated, report.drifted]).toEqual([5, 3]);
    expect(report.share).toBeCloseTo(0.6, 15);
    expect(report.datasetDrift).toBe(true);
    expect(
      detectDrift(y2012.profile, y2015.profile, { columns: features, shareThreshold: 0.7 }).datasetDrift,
    ).toBe(false);
  });

  it('reports prediction drift separately from the features', () => {
    const report = detectDrift(y2012.profile, y2015.profile, { columns: features, predictions: ['weather'] });
    expect(report.columns.map((c) => c.column)).toEqual(['precipitation', 'temp_max', 'temp_min', 'wind']);
    expect(report.predictions?.columns.map((c) => [c.column, c.method, c.status])).toEqual([
      ['weather', 'chisquare', 'drift'],
    ]);
    expect(report.predictions?.drift).toBe(true);
    expect(detectDrift(y2012.profile, y2015.profile).predictions).toBeNull();
  });

  it('flags columns missing from the current data or of another kind', () => {
    const { weather, ...rest } = y2015.profile.columns;
    const current: DataProfile = { ...y2015.profile, columns: { ...rest, temp_max: weather as never } };
    const report = detectDrift(y2012.profile, current, { columns: features });
    expect(column(report, 'weather')).toMatchObject({ status: 'missing', drifted: false, current: null });
    expect(column(report, 'temp_max')).toMatchObject({
      status: 'skipped',
      detail: 'kind changed: numeric in the reference, categorical now',
    });
  });
});

describe('options', () => {
  it('rejects bad options with one line naming the option', async () => {
    const cases: [DriftOptions, RegExp][] = [
      [{ bins: 1 }, /drift option 'bins': expected an integer ≥ 2, got 1/],
      [
        { byKind: { numeric: { method: 'anderson' as never } } },
        /'byKind.numeric.method': expected one of ks, chisquare/,
      ],
      [
        { byKind: { categorical: { method: 'ks' } } },
        /'byKind.categorical.method': expected chisquare, z, jensenshannon/,
      ],
      [{ columns: ['nope'] }, /drift option 'columns': 'nope' is not a column of the reference/],
      [{ thresholds: { ks: 5 } }, /'thresholds.ks': expected a p-value in \(0, 1\) for ks, got 5/],
      [{ correction: 'holm' as never }, /'correction': expected none, bonferroni, bh, got "holm"/],
      [{ shareThreshold: 0 }, /'shareThreshold': expected a share in \(0, 1\]/],
      [
        { byColumn: { weather: { method: 'wasserstein' } } },
        /column 'weather': wasserstein compares numbers/,
      ],
      [
        { byColumn: { temp_max: { threshold: 2 } } },
        /column 'temp_max': 2 is not a p-value, and ks compares p-values/,
      ],
    ];
    for (const [options, message] of cases) {
      await expectUserError(() => detectDrift(y2012.profile, y2015.profile, options), message);
    }
  });
});
