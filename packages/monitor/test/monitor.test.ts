import { mkdir } from 'node:fs/promises';
import {
  type Dataset,
  describeColumns,
  loadDataset,
  profileDataset,
  stringifyProfile,
} from '@modelgate/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { expectUserError, useDatabase, useTempDir } from '../../core/test/fixtures.js';
import {
  MONITOR_FORMAT,
  type MonitoredColumn,
  type MonitorReport,
  monitorDataset,
  monitorProfiles,
  parseChunkSpec,
  readProfileDir,
  renderMonitorMarkdown,
  stringifyMonitorReport,
} from '../src/index.js';
import { type Slice, sliceOf } from './slices.js';

const db = useDatabase();
const tmp = useTempDir('monitor-run');

function column(report: MonitorReport, name: string): MonitoredColumn {
  const found = report.columns.find((c) => c.column === name);
  if (!found) throw new Error(`no column ${name}`);
  return found;
}

const byMonth = { time: 'date', chunk: parseChunkSpec('month') };

const sources = new Map<string, Promise<Dataset>>();

/** Each file in a table of its own (loadFile's shared default table would be replaced by the next file). */
function source(file: string): Promise<Dataset> {
  let loaded = sources.get(file);
  if (!loaded) {
    loaded = loadDataset(db(), { path: dataset(file) }, { table: `source_${sources.size}` });
    sources.set(file, loaded);
  }
  return loaded;
}

describe('seattle-weather: 2012 as the reference', () => {
  let y2012: Slice;
  let y2015: Slice;
  let report: MonitorReport;
  beforeAll(async () => {
    const seattle = await source('seattle-weather.csv');
    y2012 = await sliceOf(db(), seattle, 'year(date) = 2012');
    y2015 = await sliceOf(db(), seattle, 'year(date) = 2015');
    report = await monitorDataset(db(), y2012.profile, y2015.dataset, {
      ...byMonth,
      context: { reference: 'seattle-weather 2012 profile', current: 'seattle-weather 2015' },
    });
  });

  it('gives every chunk statistic its method, threshold, p-value and error bound, as the window has', () => {
    const tested = report.chunks.flatMap((c) => c.drift.columns).filter((c) => c.statistic !== null);
    expect(tested.length).toBeGreaterThan(40);
    for (const c of tested) {
      expect(c).toMatchObject({ method: expect.any(String), threshold: expect.any(Number) });
      expect(c.sketchError, c.column).toBeGreaterThanOrEqual(0);
      expect(c.pValue, c.column).toEqual(expect.any(Number));
    }
    // A month's KS bound (about 0.03 on 31 rows) cannot reach p < 0.05; the year's can.
    expect(tested.filter((c) => c.borderline)).toEqual([]);
    expect(column(report, 'precipitation')).toMatchObject({ status: 'stable', borderline: true });
    // The sketch KS never reads above the exact one: a drift call cannot be undone by the bound.
    expect(column(report, 'temp_min')).toMatchObject({ status: 'drift', borderline: false });
  });

  it('finds 2015 warmer: temperatures and the weather drifted, so the data set did', () => {
    expect(report.format).toBe(MONITOR_FORMAT);
    expect(report.window).toMatchObject({ evaluated: 5, drifted: 3, datasetDrift: true });
    expect(report.columns.map((c) => [c.column, c.status, c.method])).toEqual([
      ['weather', 'drift', 'chisquare'],
      ['temp_max', 'drift', 'ks'],
      ['temp_min', 'drift', 'ks'],
      ['precipitation', 'stable', 'ks'],
      ['wind', 'stable', 'ks'],
    ]);
    expect(column(report, 'temp_max').pValue).toBeLessThan(0.001);
    expect(report.verdict.alert).toBe(true);
    expect(report.verdict.headline).toMatch(/^Alert: dataset drift \(3 of 5 columns drifted\)/);
    expect(report.verdict.alerts[0]).toMatchObject({ kind: 'dataset_drift', chunk: null });
    expect(report.verdict.alerts[0]?.message).toBe(
      'dataset drift: 3 of 5 columns drifted (share 0.6 ≥ 0.5): temp_max, temp_min, weather',
    );
  });

  it('reports a drift test, outliers and a role for every month; February is too small', () => {
    expect(report.chunks.map((c) => c.label)).toHaveLength(12);
    const february = report.chunks[1];
    expect(february).toMatchObject({ label: '2015-02', rows: 28, tooSmall: true, role: 'too_small' });
    expect(february?.drift.columns.every((c) => c.status === 'too_small')).toBe(true);
    expect(report.chunks.filter((c) => c.role === 'baseline').map((c) => c.label)).toEqual([
      '2015-01',
      '2015-03',
      '2015-04',
      '2015-05',
      '2015-06',
    ]);
    expect(report.settings.baselineChunks).toBe(5);
    const july = report.chunks[6];
    expect(july?.drift.columns.find((c) => c.column === 'temp_max')).toMatchObject({
      status: 'drift',
      method: 'ks',
    });
    const rows = report.chunks.reduce((n, c) => n + (c.outliers?.rows ?? 0), 0);
    expect(rows).toBe(365);
    expect(report.window.outliers?.rows).toBe(365);
  });

  it('scores every series against its baseline band and lists what fell outside', () => {
    expect(report.series.map((s) => s.name)).toEqual([
      'drift share',
      'outlier rate',
      'precipitation (ks)',
      'temp_max (ks)',
      'temp_min (ks)',
      'wind (ks)',
      'weather (chisquare)',
    ]);
    for (const s of report.series) {
      expect(s.values).toHaveLength(12);
      if (s.kind !== 'outlier_rate') expect(s.values[1]).toBeNull();
      if (!s.band) continue;
      for (const i of s.anomalies) {
        expect(report.chunks[i]?.role).toBe('monitored');
        expect(s.values[i]).toBeGreaterThan(s.band.upper);
      }
    }
    expect(report.anomalies.length).toBe(report.series.reduce((n, s) => n + s.anomalies.length, 0));
    for (const a of report.anomalies) expect(report.chunks[a.chunk]?.anomalies).toContain(a.series);
  });

  it('compares a window with itself as no alert at all', async () => {
    const seattle = await source('seattle-weather.csv');
    const january = await sliceOf(db(), seattle, 'year(date) = 2015 AND month(date) = 1');
    const daily = await monitorDataset(db(), january.profile, january.dataset, { time: 'date' });
    expect(daily.settings.chunk).toBe('day');
    expect(daily.chunks.map((c) => c.rows)).toEqual(Array(31).fill(1));
    const whole = await monitorDataset(db(), y2015.profile, y2015.dataset, {});
    expect(whole.settings.chunk).toBe('all');
    expect(whole.chunks).toHaveLength(1);
    expect(whole.verdict).toMatchObject({ alert: false, alerts: [] });
    expect(whole.verdict.headline).toMatch(/^No alert: 0 of 5 columns drifted; outlier rate/);
    expect(whole.window.outliers?.elevated).toBe(false);
  });

  it('gives the same window drift from a directory of monthly profiles as from the rows', async () => {
    const seattle = await source('seattle-weather.csv');
    await mkdir(tmp.path('profiles'));
    for (let m = 1; m <= 12; m++) {
      const month = await sliceOf(db(), seattle, `year(date) = 2015 AND month(date) = ${m}`);
      await tmp.write(`profiles/2015-${String(m).padStart(2, '0')}.json`, stringifyProfile(month.profile));
    }
    const files = await readProfileDir(tmp.path('profiles'));
    const perFile = await monitorProfiles(y2012.profile, files, { time: 'date' });
    expect(perFile.settings.chunk).toBe('file');
    expect(perFile.chunks.map((c) => c.label)).toEqual(report.chunks.map((c) => c.label));
    const statistics = (r: MonitorReport) =>
      Object.fromEntries(r.columns.map((c) => [c.column, c.statistic]));
    expect(statistics(perFile)).toEqual(statistics(report));
    expect(perFile.window.outliers?.estimated).toBe(true);
    expect(Math.abs((perFile.window.outliers?.rate ?? 0) - (report.window.outliers?.rate ?? 0))).toBeLessThan(
      0.02,
    );
    const quarterly = await monitorProfiles(y2012.profile, files, byMonth);
    expect(quarterly.chunks.map((c) => c.start)).toEqual(report.chunks.map((c) => c.start));
    await expectUserError(
      () => monitorProfiles(y2012.profile, files, { chunk: parseChunkSpec('rows:10') }),
      /^--chunk rows:10: profiles hold no rows/,
    );
  });

  it('renders monitor.md: the verdict first, columns by severity, charts, chunks', async () => {
    const markdown = renderMonitorMarkdown(report);
    expect(markdown.split('\n')[0]).toBe(
      '**Alert**: dataset drift (3 of 5 columns drifted); ' +
        report.verdict.headline.split('); ').slice(1).join('); '),
    );
    expect(markdown).toContain('```mermaid\nxychart-beta\n  title "temp_max (ks) per month');
    await expect(markdown).toMatchFileSnapshot('fixtures/monitor-seattle-2012-vs-2015.md');
    const json = JSON.parse(stringifyMonitorReport(report));
    expect(json.format).toBe('modelgate.monitor/1');
    expect(json.series[0].values).toHaveLength(12);
  });
});

describe('flights by month and by day', () => {
  it("sees January as the reference itself, and scores each day's drift against January's days", async () => {
    const flights = await loadDataset(
      db(),
      { path: dataset('flights-20k.json') },
      { table: 'flights_current' },
    );
    const date = flights.columns.find((c) => c.name === 'date');
    expect(date?.type).toBe('VARCHAR');
    const january = await sliceOf(db(), flights, "TRY_CAST(date AS TIMESTAMP) < TIMESTAMP '2001-02-01'");
    const months = await monitorDataset(db(), january.profile, flights, byMonth);
    expect(months.chunks.map((c) => [c.label, c.rows])).toEqual([
      ['2001-01', 6937],
      ['2001-02', 5964],
      ['2001-03', 7099],
    ]);
    const delayInJanuary = months.chunks[0]?.drift.columns.find((c) => c.column === 'delay');
    expect(delayInJanuary).toMatchObject({ method: 'wasserstein', statistic: 0, drifted: false });
    expect(months.notes).toEqual([
      expect.objectContaining({
        level: 'notice',
        message: expect.stringMatching(/^no chunk anomalies checked/),
      }),
    ]);
    const days = await monitorDataset(db(), january.profile, flights, { time: 'date', baselineChunks: 31 });
    expect(days.chunks).toHaveLength(90);
    expect(days.chunks.filter((c) => c.role === 'baseline').at(-1)?.label).toBe('2001-01-31');
    const delay = days.series.find((s) => s.name === 'delay (wasserstein)');
    expect(delay?.band?.values).toBe(31);
    expect(delay?.values.filter((v) => v !== null)).toHaveLength(90);
  });
});

describe('penguins: Biscoe as the reference, the other islands now', () => {
  it('drifts in every measurement, with the species as target drift and a too-small last chunk', async () => {
    const penguins = await source('penguins.json');
    const biscoe = await sliceOf(db(), penguins, `"Island" = 'Biscoe'`);
    const others = await sliceOf(db(), penguins, `"Island" <> 'Biscoe'`);
    const report = await monitorDataset(db(), biscoe.profile, others.dataset, {
      chunk: parseChunkSpec('rows:50'),
      target: 'Species',
      ignore: ['Island'],
    });
    expect(report.columns.map((c) => [c.column, c.role, c.status])).toEqual([
      ['Species', 'target', 'drift'],
      ['Beak Depth (mm)', 'feature', 'drift'],
      ['Flipper Length (mm)', 'feature', 'drift'],
      ['Body Mass (g)', 'feature', 'drift'],
      ['Beak Length (mm)', 'feature', 'drift'],
      ['Sex', 'feature', 'stable'],
    ]);
    expect(report.window).toMatchObject({ evaluated: 5, drifted: 4, datasetDrift: true });
    expect(report.chunks.map((c) => [c.rows, c.role])).toEqual([
      [50, 'none'],
      [50, 'none'],
      [50, 'none'],
      [26, 'too_small'],
    ]);
    expect(report.notes.map((n) => n.message)).toContain(
      `target drift: 'Species': ${report.columns[0]?.detail}`,
    );
  });

  it('says which flag names a column the data lacks', async () => {
    const penguins = await source('penguins.json');
    const biscoe = await sliceOf(db(), penguins, `"Island" = 'Biscoe'`);
    await expectUserError(
      monitorDataset(db(), biscoe.profile, penguins, { time: 'when' }),
      /^--time when: not a column of .*penguins\.json\. Columns: Species, Island, Beak Length \(mm\)/,
    );
    await expectUserError(
      monitorDataset(db(), biscoe.profile, penguins, { prediction: 'score' }),
      /^--prediction score: not a column of/,
    );
  });
});

describe('a prediction column and a missing feature', () => {
  it('tracks the mean prediction per chunk, and alerts on a feature the data lost', async () => {
    const seattle = await source('seattle-weather.csv');
    const y2014 = await sliceOf(db(), seattle, 'year(date) = 2014');
    await db().run(
      `CREATE TEMP TABLE scored AS SELECT * EXCLUDE (wind), temp_max * 2 + 1 AS score FROM ${y2014.dataset.table} ORDER BY rowid`,
    );
    const scored: Dataset = {
      table: 'scored',
      files: ['scored'],
      format: 'csv',
      columns: await describeColumns(db(), 'scored'),
      rowCount: 365,
    };
    const report = await monitorDataset(db(), y2014.profile, scored, { ...byMonth, prediction: 'score' });
    const series = report.series.find((s) => s.kind === 'prediction');
    expect(series).toMatchObject({ name: 'score (mean)', column: 'score', direction: 'both' });
    const means = await db().rows<{ m: number }>(
      'SELECT avg(temp_max * 2 + 1) AS m FROM scored GROUP BY month(date) ORDER BY month(date)',
    );
    series?.values.forEach((v, i) => {
      expect(v).toBeCloseTo(means[i]?.m as number, 9);
    });
    expect(report.columns.find((c) => c.column === 'score')).toBeUndefined();
    expect(column(report, 'wind').status).toBe('missing');
    expect(report.verdict.alerts).toContainEqual({
      kind: 'missing_columns',
      chunk: null,
      message: '1 of 5 reference columns are not in the current data: wind',
    });
    expect(report.verdict.headline).toMatch(/^Alert: 0 of 4 columns drifted; 1 column missing; /);
  });
});

describe('current data that differs from the reference in kind', () => {
  it('reports the change and compares what converts, without failing', async () => {
    const ref = await tmp.write(
      'kinds-ref.csv',
      `x,y\n${Array.from({ length: 60 }, (_, i) => `${i},${i % 3}`).join('\n')}\n`,
    );
    const cur = await tmp.write(
      'kinds-cur.csv',
      `x,y\n${Array.from({ length: 60 }, (_, i) => `${i === 7 ? 'n/a' : i + 1},${['a', 'b', 'c'][i % 3]}`).join('\n')}\n`,
    );
    const refSet = await loadDataset(db(), { path: ref }, { table: 'kinds_ref' });
    const reference = await profileDataset(db(), refSet);
    const current = await loadDataset(db(), { path: cur }, { table: 'kinds_cur' });
    const report = await monitorDataset(db(), reference, current, {});
    expect(report.notes.map((n) => n.message)).toEqual([
      "column 'x': text (VARCHAR) here, numeric in the reference; compared as numeric; 1 of 60 values did not convert and count as nulls.",
      "column 'y': categorical (VARCHAR) here, numeric in the reference; most values are not numeric, so it is not compared.",
    ]);
    expect(column(report, 'x')).toMatchObject({ kind: 'numeric', status: 'stable' });
    expect(column(report, 'y')).toMatchObject({
      status: 'skipped',
      detail: 'kind changed: numeric in the reference, categorical now',
    });
  });
});

describe('monitor.md', () => {
  it('stays under 65,536 characters however many columns and chunks there are', async () => {
    const seattle = await source('seattle-weather.csv');
    const y2012 = await sliceOf(db(), seattle, 'year(date) = 2012');
    const y2015 = await sliceOf(db(), seattle, 'year(date) = 2015');
    const small = await monitorDataset(db(), y2012.profile, y2015.dataset, byMonth);
    const names = Array.from({ length: 400 }, (_, i) => `a rather long column name number ${i}`);
    const huge: MonitorReport = {
      ...small,
      columns: names.map((name, i) => ({ ...(small.columns[i % 5] as MonitoredColumn), column: name })),
      chunks: Array.from({ length: 1500 }, (_, i) => ({
        ...(small.chunks[i % 12] as MonitorReport['chunks'][number]),
        index: i,
        label: `chunk ${i}`,
      })),
      series: small.series.map((s) => ({
        ...s,
        values: Array.from({ length: 1500 }, (_, i) => s.values[i % 12] ?? null),
      })),
      notes: names.map((n) => ({ level: 'warning' as const, message: `column '${n}' looked odd` })),
    };
    const markdown = renderMonitorMarkdown(huge);
    expect(markdown.length).toBeLessThanOrEqual(65_536);
    expect(markdown.startsWith('**Alert**:')).toBe(true);
    expect(markdown).toMatch(/\*… \d+ more columns in monitor\.json\.\*/);
    const tight = renderMonitorMarkdown(huge, 3000);
    expect(tight.length).toBeLessThanOrEqual(3000);
    expect(tight).toMatch(/\*Cut to fit; everything is in monitor\.json\.\*\n$/);
  });

  it('escapes column names in tables and charts', async () => {
    const name = 'rate | "x" `y` <img src=1>';
    const file = await tmp.write(
      'odd.csv',
      `"${name.replaceAll('"', '""')}",t\n${Array.from({ length: 80 }, (_, i) => `${i % 17},2024-01-0${1 + Math.floor(i / 20)}`).join('\n')}\n`,
    );
    const set = await loadDataset(db(), { path: file }, { table: 'odd' });
    const reference = await profileDataset(db(), set);
    const report = await monitorDataset(db(), reference, set, { time: 't', minChunkRows: 10 });
    const markdown = renderMonitorMarkdown(report);
    const span = '``rate \\| "x" `y` <img src=1>``';
    expect(markdown).toContain(span);
    // Inside a code span the tag is text; everywhere else it must not be a tag.
    expect(markdown.replaceAll(span, '')).not.toContain('<img');
    const titles = markdown.split('\n').filter((l) => l.startsWith('  title '));
    expect(titles.length).toBeGreaterThan(0);
    for (const t of titles) expect(t).toMatch(/^ {2}title "[^"`<>|]*"$/);
  });
});
