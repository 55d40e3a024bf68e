import { markdownText, renderMarkdownTable } from '@modelgate/core';
import { formatStatistic } from '../drift/format.js';
import { lowerIsBetterMetric, type MetricValues, type PerformanceMetric } from '../performance/types.js';
import { dash } from './cells.js';
import type { MonitorReport, PerformanceReport } from './types.js';

function value(values: MetricValues, metric: PerformanceMetric): string {
  const v = values[metric];
  return v === undefined || v === null ? dash : formatStatistic(v);
}

function sourcesLine(p: PerformanceReport): string {
  const labels = p.labels
    ? `${p.window.labeled.toLocaleString('en-US')} of ${p.window.rows.toLocaleString('en-US')} rows have a label from ${p.labels.source} (${p.labels.rows.toLocaleString('en-US')} labels)`
    : 'no labels: realized metrics wait for them';
  const estimates =
    Object.keys(p.window.estimated).length === 0
      ? null
      : p.calibration
        ? `estimates by CBPE, calibrated on ${p.calibration.rows.toLocaleString('en-US')} rows of ${p.calibration.source}`
        : 'estimates by CBPE from the probabilities as the model gives them (no reference predictions to calibrate on)';
  const holdout = p.holdoutSource ? `holdout: ${p.holdoutSource}` : 'no holdout metrics to compare with';
  return markdownText([labels, estimates, holdout].filter((x) => x !== null).join('; '));
}

/** Worse than the holdout beyond the tolerance (realized where labeled, else estimated). */
function worseChunks(p: PerformanceReport, metric: PerformanceMetric): number {
  const holdout = p.holdout[metric];
  if (holdout === undefined) return 0;
  return p.chunks.filter((c) => {
    const v = c.labeled >= p.settings.minLabeledRows ? c.realized[metric] : c.estimated[metric];
    if (v === undefined || v === null) return false;
    return lowerIsBetterMetric(metric)
      ? v - holdout > p.settings.rise * Math.abs(holdout)
      : holdout - v > p.settings.drop;
  }).length;
}

/** monitor.md's performance table: the window against the holdout, per metric. */
export function performanceSection(report: MonitorReport): string | null {
  const p = report.performance;
  if (!p) return null;
  const table = renderMarkdownTable({
    columns: [
      { header: 'metric', markdown: true },
      { header: 'holdout', align: 'right' },
      { header: 'realized', align: 'right' },
      { header: 'estimated (CBPE)', align: 'right' },
      { header: 'chunks worse than the holdout', align: 'right' },
    ],
    rows: p.metrics.map((m) => [
      `\`${m}\``,
      p.holdout[m] === undefined ? dash : formatStatistic(p.holdout[m] as number),
      value(p.window.realized, m),
      value(p.window.estimated, m),
      `${worseChunks(p, m)} of ${p.chunks.length}`,
    ]),
  });
  const tolerance = `Tolerance: ${p.settings.drop} below the holdout for scores, ${p.settings.rise * 100} % above it for errors; realized values need ${p.settings.minLabeledRows} labeled rows in a chunk.`;
  return `#### Performance\n\n${sourcesLine(p)}.\n\n${table}\n\n${tolerance}`;
}
