import { markdownCode, markdownLine, markdownText, renderMarkdownTable } from '@modelgate/core';
import { formatStatistic } from '../drift/format.js';
import type { PerformanceMetric } from '../performance/types.js';
import {
  chunkDriftCell,
  chunkOutliersCell,
  columnsTable,
  dash,
  modelLine,
  roleCell,
  windowLine,
} from './cells.js';
import { percent } from './format.js';
import { type Chart, renderChart } from './mermaid.js';
import { performanceSection } from './performance.js';
import { type ChunkReport, MONITOR_FORMAT, type MonitorReport, type SeriesReport } from './types.js';

/** GitHub refuses issue and comment bodies longer than this; the job summary shares the spirit. */
export const MAX_MARKDOWN_CHARS = 65_536;

interface Budget {
  columns: number;
  columnCharts: number;
  chartPoints: number;
  chunks: number;
  alerts: number;
  notes: number;
}

/** Tried in order until the report fits. */
const BUDGETS: readonly Budget[] = [
  { columns: 200, columnCharts: 6, chartPoints: 60, chunks: 400, alerts: 50, notes: 30 },
  { columns: 60, columnCharts: 4, chartPoints: 40, chunks: 120, alerts: 25, notes: 15 },
  { columns: 25, columnCharts: 2, chartPoints: 30, chunks: 40, alerts: 10, notes: 8 },
  { columns: 10, columnCharts: 0, chartPoints: 20, chunks: 0, alerts: 5, notes: 3 },
];

const more = (n: number, what: string) => `*… ${n} more ${what} in monitor.json.*`;

function verdictLine(report: MonitorReport): string {
  const [word, rest] = report.verdict.headline.split(/:(.*)/s);
  return `**${markdownText(word ?? '')}**:${markdownText(rest ?? '')}`;
}

function context(report: MonitorReport): string {
  const { settings } = report;
  const by = settings.time ? ` (time column ${markdownCode(settings.time)})` : '';
  return [
    ...(report.model ? [`**Model:** ${markdownText(modelLine(report))}  `] : []),
    `**Reference:** ${markdownText(report.reference.source)}, ${report.reference.rows.toLocaleString('en-US')} rows  `,
    `**Current:** ${markdownText(report.current.source)}, ${markdownText(windowLine(report))}${by}`,
  ].join('\n');
}

function alertsSection(report: MonitorReport, budget: Budget): string | null {
  const { alerts } = report.verdict;
  if (alerts.length === 0) return null;
  const shown = alerts.slice(0, budget.alerts).map((a) => `- ${markdownLine(markdownText(a.message))}`);
  if (alerts.length > shown.length) shown.push(`- ${more(alerts.length - shown.length, 'alerts')}`);
  return `#### Alerts\n\n${shown.join('\n')}`;
}

function columnsSection(report: MonitorReport, budget: Budget): string {
  const shown = report.columns.slice(0, budget.columns);
  const table = renderMarkdownTable(columnsTable(shown, 'markdown'));
  const hidden = report.columns.length - shown.length;
  const shareLine = `${report.window.drifted} of ${report.window.evaluated} columns drifted in the whole window (dataset drift at a share of ${report.settings.shareThreshold}).`;
  const borderline =
    report.columns.some((c) => c.borderline) ||
    report.chunks.some((c) => c.drift.columns.some((d) => d.borderline))
      ? "\n\n_borderline_: the statistic is within its error bound (±, from the profiles' sketches) of the threshold, so the exact value may fall on either side."
      : '';
  return `#### Columns\n\n${shareLine}\n\n${table}${hidden > 0 ? `\n\n${more(hidden, 'columns')}` : ''}${borderline}`;
}

function bandLine(series: SeriesReport): { values: (number | null)[] } | null {
  const { band } = series;
  if (!band) return null;
  return { values: series.values.map(() => (series.direction === 'lower' ? band.lower : band.upper)) };
}

function seriesChart(
  report: MonitorReport,
  series: SeriesReport,
  extra: { name: string; values: (number | null)[] } | null,
): Chart {
  const band = bandLine(series);
  const lines = [{ values: series.values }, ...(band ? [band] : []), ...(extra ? [extra] : [])];
  const edge = series.direction === 'lower' ? 'band bottom' : 'band top';
  const legend = ['value', band ? edge : null, extra?.name ?? null].filter(Boolean).join(', ');
  const per = report.settings.chunk === 'all' ? 'chunk' : report.settings.chunk;
  return {
    title: `${series.name} per ${per}${lines.length > 1 ? ` (lines: ${legend})` : ''}`,
    yLabel:
      series.kind === 'outlier_rate'
        ? 'share of rows'
        : series.kind === 'prediction' || series.kind === 'performance' || series.kind === 'serving'
          ? 'value'
          : 'score',
    labels: report.chunks.map((c) => c.label),
    lines,
  };
}

function chartsSection(report: MonitorReport, budget: Budget): string | null {
  if (report.chunks.length < 2) return null;
  const charts: string[] = [];
  const add = (chart: Chart) => {
    const block = renderChart(chart, budget.chartPoints);
    if (block) charts.push(block);
  };
  for (const s of report.series) {
    if (s.kind === 'drift_share') {
      const threshold = s.values.map(() => report.settings.shareThreshold);
      add(seriesChart(report, s, { name: 'threshold', values: threshold }));
    }
    if (s.kind === 'outlier_rate') {
      const expected = s.values.map(() => report.window.outliers?.expected ?? null);
      add(seriesChart(report, s, { name: 'expected', values: expected }));
    }
    if (s.kind === 'prediction' || s.kind === 'serving') add(seriesChart(report, s, null));
    if (s.kind === 'performance') {
      const metric = s.name.split(' ')[0] as PerformanceMetric;
      const holdout = report.performance?.holdout[metric];
      add(
        seriesChart(
          report,
          s,
          holdout === undefined ? null : { name: 'holdout', values: s.values.map(() => holdout) },
        ),
      );
    }
  }
  const columnSeries = new Map(
    report.series.filter((s) => s.kind === 'column_drift').map((s) => [s.column, s]),
  );
  const top = report.columns.filter((c) => columnSeries.has(c.column)).slice(0, budget.columnCharts);
  for (const c of top) {
    const s = columnSeries.get(c.column) as SeriesReport;
    const distance = c.pValue === undefined && c.threshold !== null;
    add(
      seriesChart(
        report,
        s,
        distance ? { name: 'threshold', values: s.values.map(() => c.threshold) } : null,
      ),
    );
  }
  if (charts.length === 0) return null;
  return `#### Trends\n\n${charts.join('\n\n')}`;
}

function anomaliesSection(report: MonitorReport, budget: Budget): string | null {
  if (report.anomalies.length === 0) return null;
  const shown = report.anomalies.slice(0, budget.alerts);
  const table = renderMarkdownTable({
    columns: [
      { header: 'chunk', markdown: true },
      { header: 'series', markdown: true },
      { header: 'value', align: 'right' },
      { header: 'baseline band', align: 'right' },
    ],
    rows: shown.map((a) => {
      const series = report.series.find((s) => s.name === a.series);
      const show = series?.kind === 'outlier_rate' ? percent : formatStatistic;
      const band =
        series?.direction === 'both'
          ? `${show(a.band.lower)} … ${show(a.band.upper)}`
          : series?.direction === 'lower'
            ? `≥ ${show(a.band.lower)}`
            : `≤ ${show(a.band.upper)}`;
      return [markdownCode(a.label), markdownCode(a.series), show(a.value), band];
    }),
  });
  const hidden = report.anomalies.length - shown.length;
  return `#### Chunk anomalies\n\n${table}${hidden > 0 ? `\n\n${more(hidden, 'anomalies')}` : ''}`;
}

function flagged(chunk: ChunkReport): boolean {
  return (
    chunk.anomalies.length > 0 ||
    chunk.drift.datasetDrift ||
    chunk.outliers?.elevated === true ||
    chunk.tooSmall
  );
}

/** Flagged chunks first when not all fit; shown in time order. */
function pickChunks(chunks: readonly ChunkReport[], limit: number): ChunkReport[] {
  if (chunks.length <= limit) return [...chunks];
  const first = chunks.filter(flagged).slice(0, limit);
  const rest = chunks.filter((c) => !flagged(c)).slice(0, limit - first.length);
  return [...first, ...rest].sort((a, b) => a.index - b.index);
}

function chunksSection(report: MonitorReport, budget: Budget): string | null {
  if (report.chunks.length < 2 || budget.chunks === 0) return null;
  const shown = pickChunks(report.chunks, budget.chunks);
  const prediction = report.series.find((s) => s.kind === 'prediction');
  const table = renderMarkdownTable({
    columns: [
      { header: 'chunk', markdown: true },
      { header: 'rows', align: 'right' },
      { header: 'role' },
      { header: 'drifted columns', align: 'right' },
      { header: 'outlier rate', align: 'right' },
      ...(prediction ? [{ header: prediction.name, align: 'right' as const }] : []),
      { header: 'anomalies', markdown: true },
    ],
    rows: shown.map((c) => [
      markdownCode(c.label),
      c.rows.toLocaleString('en-US'),
      roleCell(c),
      chunkDriftCell(c),
      chunkOutliersCell(c),
      ...(prediction ? [c.prediction === null ? dash : formatStatistic(c.prediction)] : []),
      c.anomalies.length === 0 ? dash : c.anomalies.map((a) => markdownCode(a)).join(', '),
    ]),
  });
  const hidden = report.chunks.length - shown.length;
  return `#### Chunks\n\n${table}${hidden > 0 ? `\n\n${more(hidden, 'chunks')}` : ''}`;
}

function notesSection(report: MonitorReport, budget: Budget): string | null {
  if (report.notes.length === 0) return null;
  const shown = report.notes
    .slice(0, budget.notes)
    .map((n) => `- ${n.level === 'warning' ? '⚠️ ' : ''}${markdownLine(markdownText(n.message))}`);
  if (report.notes.length > shown.length)
    shown.push(`- ${more(report.notes.length - shown.length, 'notes')}`);
  return `#### Notes\n\n${shown.join('\n')}`;
}

function outliersLine(report: MonitorReport): string | null {
  const o = report.window.outliers;
  if (!o) return null;
  return `Outliers: |robust z| > ${report.settings.outlierThreshold} against the reference median and spread; ${percent(o.rate)} of rows${o.estimated ? ' (estimated from profiles)' : ''}, ${percent(o.expected)} expected.`;
}

function render(report: MonitorReport, budget: Budget): string {
  const sections = [
    verdictLine(report),
    '### modelgate monitor',
    context(report),
    alertsSection(report, budget),
    columnsSection(report, budget),
    outliersLine(report),
    performanceSection(report),
    chartsSection(report, budget),
    anomaliesSection(report, budget),
    chunksSection(report, budget),
    notesSection(report, budget),
    `<sub>${MONITOR_FORMAT} · every chunk and series in monitor.json</sub>`,
  ];
  return `${sections.filter((s): s is string => s !== null).join('\n\n')}\n`;
}

/**
 * monitor.md: the verdict line first, then the columns most severe first,
 * trend charts, anomalies, chunks and notes. Data (column names, labels)
 * is escaped; the whole stays under MAX_MARKDOWN_CHARS by showing less.
 */
export function renderMonitorMarkdown(report: MonitorReport, maxChars = MAX_MARKDOWN_CHARS): string {
  for (const budget of BUDGETS) {
    const text = render(report, budget);
    if (text.length <= maxChars) return text;
  }
  const tail = '*Cut to fit; everything is in monitor.json.*\n';
  const kept: string[] = [];
  let length = tail.length;
  for (const line of render(report, BUDGETS[BUDGETS.length - 1] as Budget).split('\n')) {
    if (length + line.length + 1 > maxChars) break;
    kept.push(line);
    length += line.length + 1;
  }
  return `${kept.join('\n')}\n${tail}`;
}
