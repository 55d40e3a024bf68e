import { type Band, bandOf, type Direction, outside } from '../anomaly/band.js';
import type { DriftMethod } from '../drift/methods.js';
import type { DriftReport } from '../drift/types.js';
import type { Anomaly, SeriesReport } from '../report/types.js';

export interface SeriesInput {
  name: string;
  kind: SeriesReport['kind'];
  column: string | null;
  method: DriftMethod | null;
  direction: Direction;
  values: (number | null)[];
}

export interface Roles {
  baseline: readonly number[];
  monitored: readonly number[];
}

/** A series with its band from the baseline chunks and the monitored chunks outside it. */
export function scoreSeries(input: SeriesInput, roles: Roles, sigma: number): SeriesReport {
  const baseline = roles.baseline.flatMap((i) => {
    const v = input.values[i];
    return v === null || v === undefined ? [] : [v];
  });
  const band: Band | null = bandOf(baseline, sigma);
  const anomalies = band
    ? roles.monitored.filter((i) => {
        const v = input.values[i];
        return v !== null && v !== undefined && outside(v, band, input.direction);
      })
    : [];
  return { ...input, band, anomalies };
}

/** Each tested feature's statistic per chunk, under the method the window used (chunks may differ: z vs chi²). */
export function columnDriftSeries(window: DriftReport, chunks: readonly DriftReport[]): SeriesInput[] {
  return window.columns.flatMap((w): SeriesInput[] => {
    if (w.method === null || !(w.status === 'drift' || w.status === 'stable')) return [];
    const values = chunks.map((report) => {
      const c = report.columns.find((x) => x.column === w.column);
      const tested = c && (c.status === 'drift' || c.status === 'stable') && c.method === w.method;
      return tested ? (c.statistic as number) : null;
    });
    return [
      {
        name: `${w.column} (${w.method})`,
        kind: 'column_drift',
        column: w.column,
        method: w.method,
        direction: 'upper',
        values,
      },
    ];
  });
}

export function anomaliesOf(series: readonly SeriesReport[], labels: readonly string[]): Anomaly[] {
  return series
    .flatMap((s) =>
      s.anomalies.map(
        (chunk): Anomaly => ({
          series: s.name,
          chunk,
          label: labels[chunk] ?? String(chunk),
          value: s.values[chunk] as number,
          band: s.band as Band,
        }),
      ),
    )
    .sort((a, b) => a.chunk - b.chunk || a.series.localeCompare(b.series));
}
