import { formatStatistic } from '../drift/format.js';
import type { PerformanceAssessment, PerformanceInput } from '../performance/assess.js';
import { metricsOf } from '../performance/metrics.js';
import { lowerIsBetterMetric, type MetricValues, type PerformanceMetric } from '../performance/types.js';
import type { Alert, ChunkReport, PerformanceReport } from '../report/types.js';
import type { MonitorSettings } from './options.js';
import type { SeriesInput } from './series.js';

/** What the report says about performance, before the bands are scored. */
export function performanceReport(
  input: PerformanceInput,
  assessment: PerformanceAssessment,
  settings: MonitorSettings,
): PerformanceReport {
  return {
    task: input.outputs.task,
    metrics: [...metricsOf(input.outputs)],
    holdout: input.holdout,
    holdoutSource: input.sources.holdout ?? null,
    settings: { ...settings.performance, minLabeledRows: settings.minChunkRows },
    labels:
      input.labels && input.labelFile
        ? { source: input.sources.labels ?? 'labels', ...input.labelFile }
        : null,
    calibration: input.calibrator
      ? { source: input.sources.calibration ?? 'reference predictions', rows: input.calibrator.rows }
      : null,
    window: assessment.window,
    chunks: assessment.chunks,
  };
}

const hasValue = (values: MetricValues, metric: PerformanceMetric) =>
  values[metric] !== undefined && values[metric] !== null;

/** A realized and an estimated series per metric, where the chunks have them; realized values need enough labels. */
export function performanceSeries(report: PerformanceReport): SeriesInput[] {
  const { minLabeledRows } = report.settings;
  return report.metrics.flatMap((metric): SeriesInput[] => {
    const direction = lowerIsBetterMetric(metric) ? 'upper' : 'lower';
    const realized = report.chunks.map((c) =>
      c.labeled >= minLabeledRows ? (c.realized[metric] ?? null) : null,
    );
    const estimated = report.chunks.map((c) => c.estimated[metric] ?? null);
    const series = (kind: string, values: (number | null)[]): SeriesInput => ({
      name: `${metric} (${kind})`,
      kind: 'performance',
      column: null,
      method: null,
      direction,
      values,
    });
    return [
      ...(realized.some((v) => v !== null) ? [series('realized', realized)] : []),
      ...(estimated.some((v) => v !== null) ? [series('estimated', estimated)] : []),
    ];
  });
}

/** How much worse than the holdout `value` is, and the allowance, in the metric's units. */
function shortfall(metric: PerformanceMetric, value: number, holdout: number, report: PerformanceReport) {
  if (lowerIsBetterMetric(metric)) {
    return { worse: value - holdout, allowed: report.settings.rise * Math.abs(holdout), word: 'above' };
  }
  return { worse: holdout - value, allowed: report.settings.drop, word: 'below' };
}

/** The value alerts judge a chunk by: realized with enough labels, else the estimate (when estimates alert). */
export function judgedValue(
  report: PerformanceReport,
  chunk: PerformanceReport['window'],
  metric: PerformanceMetric,
): { value: number; how: string } | null {
  if (chunk.labeled >= report.settings.minLabeledRows && hasValue(chunk.realized, metric)) {
    return {
      value: chunk.realized[metric] as number,
      how: `realized on ${chunk.labeled.toLocaleString('en-US')} labeled rows`,
    };
  }
  if (report.settings.alertOnEstimates && hasValue(chunk.estimated, metric)) {
    return { value: chunk.estimated[metric] as number, how: 'estimated by CBPE' };
  }
  return null;
}

/** Window and chunks whose metric is worse than the registered holdout by more than the tolerance. */
export function performanceAlerts(report: PerformanceReport, chunks: readonly ChunkReport[]): Alert[] {
  const alerts: Alert[] = [];
  const check = (where: PerformanceReport['window'], label: string, chunk: number | null) => {
    for (const metric of report.metrics) {
      const holdout = report.holdout[metric];
      const judged = judgedValue(report, where, metric);
      if (holdout === undefined || !judged) continue;
      const { worse, allowed, word } = shortfall(metric, judged.value, holdout, report);
      if (worse <= allowed + 1e-12) continue;
      alerts.push({
        kind: 'performance',
        chunk,
        series: `${metric} (${judged.how.startsWith('estimated') ? 'estimated' : 'realized'})`,
        message: `${label}: ${metric} ${formatStatistic(judged.value)} (${judged.how}) is ${formatStatistic(worse)} ${word} the holdout's ${formatStatistic(holdout)} (tolerance ${formatStatistic(allowed)})`,
      });
    }
  };
  check(report.window, 'whole window', null);
  if (chunks.length > 1) {
    for (const c of chunks) {
      const p = report.chunks[c.index];
      if (c.role !== 'too_small' && p) check(p, c.label, c.index);
    }
  }
  return alerts;
}

/** The headline's performance part: the first metric of the window against the holdout. */
export function performanceHeadline(report: PerformanceReport): string | null {
  const metric = report.metrics[0];
  if (!metric) return null;
  const judged = judgedValue(
    { ...report, settings: { ...report.settings, alertOnEstimates: true } },
    report.window,
    metric,
  );
  if (!judged) return null;
  const holdout = report.holdout[metric];
  const how = judged.how.startsWith('estimated') ? 'estimated' : 'realized';
  return `${metric} ${formatStatistic(judged.value)} ${how}${holdout !== undefined ? ` (holdout ${formatStatistic(holdout)})` : ''}`;
}
