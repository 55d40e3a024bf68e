import { type DataProfile, mergeProfiles, type NumericColumnProfile } from '@modelgate/core';
import { outlierElevation } from '../anomaly/elevation.js';
import { addCounts, type OutlierCounts } from '../anomaly/outlier-counts.js';
import { combinedShare, type OutlierRule } from '../anomaly/outlier-rules.js';
import type { Chunk } from '../chunks/chunk.js';
import { formatChunkSpec } from '../chunks/spec.js';
import { detectDrift } from '../drift/detect.js';
import type { DriftOptions } from '../drift/options.js';
import type { ColumnDrift, DriftReport } from '../drift/types.js';
import type { PerformanceAssessment, PerformanceInput } from '../performance/assess.js';
import { describeSkipped } from '../prediction-log/lines.js';
import {
  type ChunkColumnDrift,
  type ChunkReport,
  MONITOR_FORMAT,
  type MonitorReport,
  type Note,
  type OutlierSummary,
  type SeriesReport,
} from '../report/types.js';
import type { ServingSeries } from '../serving/requests.js';
import { monitoredColumns } from './columns.js';
import { baselineSize, type MonitorOptions, type MonitorSettings } from './options.js';
import {
  performanceAlerts,
  performanceHeadline,
  performanceReport,
  performanceSeries,
} from './performance.js';
import { predictionMeasure } from './prediction.js';
import { anomaliesOf, columnDriftSeries, type Roles, type SeriesInput, scoreSeries } from './series.js';
import { collectAlerts, headline } from './verdict.js';

export interface ChunkInput {
  chunk: Chunk;
  profile: DataProfile;
  /** Null when no column has outlier cut-offs. */
  outliers: OutlierCounts | null;
}

export interface WindowInput {
  input: 'data' | 'profiles';
  excluded: number;
  notes: Note[];
  rules: OutlierRule[];
  context: { model: MonitorReport['model']; reference: string; current: string; createdAt?: string };
  /** Model outputs (and labels) per chunk, when the run has them. */
  performance?: { input: PerformanceInput; assessment: PerformanceAssessment };
  /** Latency and error rate per chunk from the server's request log. */
  serving?: ServingSeries | null;
}

/**
 * What the options say of the window for the report: its description, and the
 * server's latency and error rate for the chunks (read from its request log).
 */
export async function windowContext(
  options: MonitorOptions,
  current: string,
  chunks: readonly Chunk[],
): Promise<Pick<WindowInput, 'context' | 'serving'>> {
  const given = options.context;
  const serving = options.serving ? await options.serving(chunks) : null;
  return {
    context: {
      model: given?.model ?? null,
      reference: given?.reference ?? 'reference profile',
      current: given?.current ?? current,
      ...(given?.createdAt !== undefined ? { createdAt: given.createdAt } : {}),
    },
    ...(serving ? { serving } : {}),
  };
}

/** Latency and error rate per time chunk, from the server's request log. */
function servingSeriesInputs(serving: ServingSeries | null | undefined): SeriesInput[] {
  if (!serving) return [];
  const series = (name: string, values: (number | null)[]): SeriesInput => ({
    name,
    kind: 'serving',
    column: null,
    method: null,
    direction: 'upper',
    values,
  });
  return [series('latency p99 (ms)', serving.latencyP99), series('error rate', serving.errorRate)];
}

/** The drift options of the features: the time, id, target and prediction columns are not features. */
export function featureOptions(reference: DataProfile, settings: MonitorSettings): DriftOptions {
  const notFeatures = [settings.time, settings.target, settings.prediction, ...settings.ignore].filter(
    (name): name is string => name !== undefined && name in reference.columns,
  );
  const ignore = [...new Set([...(settings.drift.ignore ?? []), ...notFeatures])];
  return { ...settings.drift, ignore };
}

function targetDrift(
  reference: DataProfile,
  window: DataProfile,
  settings: MonitorSettings,
): ColumnDrift | null {
  const { target } = settings;
  if (!target || !(target in reference.columns) || !(target in window.columns)) return null;
  const { columns: _columns, ignore: _ignore, predictions: _predictions, ...rest } = settings.drift;
  return detectDrift(reference, window, { ...rest, columns: [target] }).columns[0] ?? null;
}

/** The reference's row-level outlier rate, as the independence estimate over its columns (see combinedShare). */
function referenceRate(reference: DataProfile, rules: readonly OutlierRule[]): number {
  return combinedShare(
    rules.map((r) => {
      const column = reference.columns[r.column] as NumericColumnProfile;
      return (r.referenceShare * column.stats.count) / Math.max(1, reference.rows);
    }),
  );
}

function outlierSummary(
  counts: OutlierCounts,
  rules: readonly OutlierRule[],
  expectedRate: number,
  referenceRows: number,
): OutlierSummary {
  const rate = counts.rows > 0 ? counts.outlierRows / counts.rows : 0;
  const elevation = outlierElevation(counts.outlierRows, counts.rows, expectedRate, referenceRows);
  return {
    rows: counts.rows,
    outlierRows: counts.outlierRows,
    rate,
    expected: elevation.expected,
    pValue: elevation.pValue,
    elevated: elevation.elevated,
    estimated: counts.estimated,
    columns: Object.fromEntries(rules.map((r, i) => [r.column, counts.columns[i] ?? 0])),
  };
}

function chooseRoles(chunks: readonly Chunk[], settings: MonitorSettings): Roles & { size: number } {
  const usable = chunks.filter((c) => !c.tooSmall).map((c) => c.index);
  const size = baselineSize(settings, usable.length);
  if (usable.length <= size) return { baseline: [], monitored: [], size };
  return { baseline: usable.slice(0, size), monitored: usable.slice(size), size };
}

function roleOf(chunk: Chunk, roles: Roles): ChunkReport['role'] {
  if (chunk.tooSmall) return 'too_small';
  if (roles.baseline.includes(chunk.index)) return 'baseline';
  return roles.monitored.includes(chunk.index) ? 'monitored' : 'none';
}

function chunkColumn(c: ColumnDrift): ChunkColumnDrift {
  const { column, status, method, statistic, threshold, pValue, adjustedPValue, sketchError, borderline } = c;
  return {
    column,
    status,
    method,
    statistic,
    threshold,
    ...(pValue !== undefined ? { pValue } : {}),
    ...(adjustedPValue !== undefined ? { adjustedPValue } : {}),
    ...(sketchError !== undefined ? { sketchError } : {}),
    ...(borderline !== undefined ? { borderline } : {}),
    drifted: c.drifted,
  };
}

function chunkReport(
  input: ChunkInput,
  drift: DriftReport,
  roles: Roles,
  outliers: OutlierSummary | null,
  prediction: number | null,
): ChunkReport {
  return {
    ...input.chunk,
    role: roleOf(input.chunk, roles),
    drift: {
      evaluated: drift.evaluated,
      drifted: drift.drifted,
      share: drift.share,
      datasetDrift: drift.datasetDrift,
      columns: drift.columns.map(chunkColumn),
    },
    outliers,
    prediction,
    anomalies: [],
  };
}

/**
 * The report from per-chunk profiles (and outlier counts): drift per chunk
 * and for the merged window, the monitored series with their baseline bands,
 * the per-column table and the alerts. Pure: no I/O.
 */
export function assembleReport(
  reference: DataProfile,
  inputs: readonly ChunkInput[],
  window: WindowInput,
  settings: MonitorSettings,
): MonitorReport {
  const options = featureOptions(reference, settings);
  const chunkDrift = inputs.map((c) => detectDrift(reference, c.profile, options));
  const windowProfile = mergeProfiles(...(inputs.map((c) => c.profile) as [DataProfile, ...DataProfile[]]));
  const windowDrift = detectDrift(reference, windowProfile, options);
  const roles = chooseRoles(
    inputs.map((c) => c.chunk),
    settings,
  );
  const skippedRequests = window.serving?.skipped ? describeSkipped(window.serving.skipped) : [];
  const notes = [...window.notes, ...skippedRequests.map((message): Note => ({ level: 'warning', message }))];
  const expected = referenceRate(reference, window.rules);
  const summarize = (counts: OutlierCounts | null) =>
    counts && window.rules.length > 0 ? outlierSummary(counts, window.rules, expected, reference.rows) : null;
  const chunkOutliers = inputs.map((c) => summarize(c.outliers));
  const counted = inputs.flatMap((c) => (c.outliers ? [c.outliers] : []));
  const windowOutliers = counted.length > 0 ? summarize(counted.reduce(addCounts)) : null;
  const measure = settings.prediction ? predictionMeasure(settings.prediction, windowProfile) : null;
  const predictions = inputs.map((c) => measure?.of(c.profile) ?? null);
  const performance = window.performance
    ? performanceReport(window.performance.input, window.performance.assessment, settings)
    : null;
  const seriesInputs: SeriesInput[] = [
    {
      name: 'drift share',
      kind: 'drift_share',
      column: null,
      method: null,
      direction: 'upper',
      values: chunkDrift.map((d) => (d.evaluated > 0 ? d.share : null)),
    },
    ...(windowOutliers
      ? [
          {
            name: 'outlier rate',
            kind: 'outlier_rate' as const,
            column: null,
            method: null,
            direction: 'upper' as const,
            values: chunkOutliers.map((o) => (o && o.rows > 0 ? o.rate : null)),
          },
        ]
      : []),
    ...(measure
      ? [
          {
            name: measure.name,
            kind: 'prediction' as const,
            column: settings.prediction ?? null,
            method: null,
            direction: 'both' as const,
            values: predictions,
          },
        ]
      : []),
    ...(performance ? performanceSeries(performance) : []),
    ...servingSeriesInputs(window.serving),
    ...columnDriftSeries(windowDrift, chunkDrift),
  ];
  const series: SeriesReport[] = seriesInputs.map((s) => scoreSeries(s, roles, settings.sigma));
  const chunks = inputs.map((c, i) =>
    chunkReport(c, chunkDrift[i] as DriftReport, roles, chunkOutliers[i] ?? null, predictions[i] ?? null),
  );
  const anomalies = anomaliesOf(
    series,
    chunks.map((c) => c.label),
  );
  for (const a of anomalies) chunks[a.chunk]?.anomalies.push(a.series);
  if (inputs.length > 1 && roles.monitored.length === 0) {
    const usable = inputs.filter((c) => !c.chunk.tooSmall).length;
    notes.push({
      level: 'notice',
      message: `no chunk anomalies checked: ${usable} of ${inputs.length} chunks have at least ${settings.minChunkRows} rows, and the first ${roles.size} of them form the baseline. Longer chunks or a smaller baseline would leave some to check.`,
    });
  }
  const target = targetDrift(reference, windowProfile, settings);
  if (target?.drifted)
    notes.push({ level: 'warning', message: `target drift: '${target.column}': ${target.detail}` });
  const alerts = collectAlerts(windowProfile.rows, windowDrift, windowOutliers, chunks, series, anomalies);
  if (performance) {
    alerts.push(...performanceAlerts(performance, chunks));
    const unscored = performance.window.unscored ?? 0;
    if (unscored > 0) {
      notes.push({
        level: 'warning',
        message: `${unscored} rows have a null model output (the model gave NaN): left out of the estimated metrics, and of the realized ones where the row has no predicted label either.`,
      });
    }
    // Stable: the window's alerts first, then chunk by chunk.
    alerts.sort((a, b) => (a.chunk ?? -1) - (b.chunk ?? -1));
  }
  const times = inputs.map((c) => c.chunk).filter((c) => c.start !== null);
  return {
    format: MONITOR_FORMAT,
    ...(window.context.createdAt !== undefined ? { createdAt: window.context.createdAt } : {}),
    verdict: {
      alert: alerts.length > 0,
      headline: headline(
        alerts,
        windowDrift,
        windowOutliers,
        roles.monitored.length,
        performance ? performanceHeadline(performance) : null,
      ),
      alerts,
    },
    model: window.context.model,
    reference: { source: window.context.reference, rows: reference.rows },
    current: {
      source: window.context.current,
      input: window.input,
      rows: windowProfile.rows,
      excluded: window.excluded,
      start: times[0]?.start ?? null,
      end: times.at(-1)?.end ?? null,
    },
    settings: {
      chunk: settings.chunk ? formatChunkSpec(settings.chunk) : 'all',
      time: settings.time ?? null,
      minChunkRows: settings.minChunkRows,
      baselineChunks: roles.size,
      sigma: settings.sigma,
      outlierThreshold: settings.outlierThreshold,
      prediction: settings.prediction ?? null,
      ...windowDrift.settings,
    },
    window: {
      evaluated: windowDrift.evaluated,
      drifted: windowDrift.drifted,
      share: windowDrift.share,
      datasetDrift: windowDrift.datasetDrift,
      tooSmall: windowDrift.tooSmall,
      outliers: windowOutliers,
      prediction: measure?.of(windowProfile) ?? null,
    },
    columns: monitoredColumns(windowDrift, target, chunkDrift, series, window.rules, windowOutliers),
    chunks,
    series,
    anomalies,
    ...(performance ? { performance } : {}),
    notes,
  };
}
