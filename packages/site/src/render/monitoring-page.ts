import type { MonitorReport } from '@modelgate/monitor';
import { formatMetric } from '@modelgate/registry';
import type { MonitorRun, MonitorStatus } from '../load/monitor.js';
import { linkTo, SITE_PATHS } from '../paths.js';
import { lineChart } from './chart.js';
import { code, day, esc, link, metric, section, table, time } from './html.js';
import { renderPage } from './layout.js';
import type { ModelView } from './model-view.js';

/** Runs the per-column table shows, newest last: more would not fit a screen. */
const MAX_RUNS_IN_TABLE = 12;

export function statusBadge(status: MonitorStatus): string {
  const cls = status === 'quiet' ? 'pass' : status === 'no data' ? 'warn' : 'fail';
  return `<span class="badge ${cls}">${esc(status)}</span>`;
}

/** A run's date, to the minute when another run has the same day. */
function runLabels(runs: readonly MonitorRun[]): string[] {
  const days = runs.map((r) => (r.date ? day(r.date) : null));
  return runs.map((r, i) => {
    const d = days[i];
    if (!d || !r.date) return `run ${i + 1}`;
    const shared = days.filter((x) => x === d).length > 1;
    return shared ? new Date(r.date).toISOString().slice(0, 16).replace('T', ' ') : d;
  });
}

/** The latest run's status, for the model page. */
export function monitoringSummary(view: ModelView, path: string): string {
  const latest = view.monitoring.at(-1);
  if (!latest) return '';
  return `<p>${statusBadge(latest.status)} ${time(latest.date)}${latest.version ? `, ${esc(latest.version)}` : ''}: ${esc(latest.report.verdict.headline ?? '')}</p>
<p>${link(linkTo(path, SITE_PATHS.monitoring(view.model.name)), `Monitoring: ${view.monitoring.length} ${view.monitoring.length === 1 ? 'run' : 'runs'}`)}</p>`;
}

function runsTable(runs: readonly MonitorRun[]): string {
  return table(
    'Monitoring runs',
    [
      { header: 'date' },
      { header: 'version' },
      { header: 'status' },
      { header: 'summary' },
      { header: 'rows', numeric: true },
      { header: 'drifted columns', numeric: true },
      { header: 'file' },
    ],
    [...runs]
      .reverse()
      .map((r) => [
        time(r.date),
        r.version ? esc(r.version) : '—',
        statusBadge(r.status),
        esc(r.report.verdict.headline ?? ''),
        esc(String(r.report.current.rows ?? '—')),
        esc(`${r.report.window.drifted ?? 0} of ${r.report.window.evaluated ?? 0}`),
        code(r.file),
      ]),
  );
}

/** Each column's drift statistic in each run (the newest runs), "drift" where it drifted. */
function columnsOverTime(runs: readonly MonitorRun[]): string {
  const shown = runs.slice(-MAX_RUNS_IN_TABLE);
  const columns = [...new Set(shown.flatMap((r) => r.report.columns.map((c) => c.column)))].sort();
  if (columns.length === 0) return '<p class="muted">No columns were tested.</p>';
  const rows = columns.map((column) => [
    code(column),
    ...shown.map((r) => {
      const c = r.report.columns.find((x) => x.column === column);
      if (!c) return '—';
      const stat = c.statistic === null || c.statistic === undefined ? '' : `${formatMetric(c.statistic)} `;
      const label = c.status === 'drift' ? '<strong class="drift">drift</strong>' : esc(c.status);
      return `${esc(stat)}${label}${c.method ? ` <span class="muted">${esc(c.method)}</span>` : ''}`;
    }),
  ]);
  const labels = runLabels(runs).slice(-MAX_RUNS_IN_TABLE);
  return table(
    'Drift per column and run',
    [{ header: 'column' }, ...labels.map((header) => ({ header }))],
    rows,
  );
}

function chunkCharts(report: MonitorReport, idPrefix: string): string {
  const drift = report.series.find((s) => s.kind === 'drift_share');
  const labels = report.chunks.map((c) => c.label);
  const charts: string[] = [];
  if (drift) {
    charts.push(
      lineChart({
        id: `${idPrefix}-drift`,
        series: 'drift_share',
        title: 'Share of drifted columns per chunk',
        label: 'drift share',
        points: drift.values.map((value, i) => ({ x: labels[i] ?? String(i + 1), value })),
      }),
    );
  }
  return charts.join('\n');
}

function performanceSection(run: MonitorRun): string {
  const perf = run.report.performance;
  if (!perf) return '<p class="muted">No run had model outputs to measure performance with.</p>';
  const labels = run.report.chunks.map((c) => c.label);
  const charts = perf.metrics.map((m, i) => {
    const realized = perf.chunks.map((c) => c.realized?.[m] ?? null);
    const useRealized = realized.some((v) => v !== null);
    const values = useRealized ? realized : perf.chunks.map((c) => c.estimated?.[m] ?? null);
    const holdout = perf.holdout[m];
    return lineChart({
      id: `performance-${i}`,
      series: m,
      title: `${m} per chunk (${useRealized ? 'realized on labels' : 'estimated, CBPE'})`,
      label: m,
      points: values.map((value, j) => ({ x: labels[j] ?? String(j + 1), value })),
      ...(holdout === undefined ? {} : { reference: { label: 'holdout', value: holdout } }),
    });
  });
  const rows = perf.chunks.map((c, j) => [
    esc(labels[j] ?? String(j + 1)),
    esc(String(c.rows)),
    esc(String(c.labeled)),
    ...perf.metrics.map((m) => `${metric(c.realized?.[m])} / ${metric(c.estimated?.[m])}`),
  ]);
  return `<p>From ${time(run.date)} (${code(run.file)}); the reference line is the holdout value.</p>
<div class="charts">${charts.join('\n')}</div>
${table(
  'Performance per chunk',
  [
    { header: 'chunk' },
    { header: 'rows', numeric: true },
    { header: 'labeled', numeric: true },
    ...perf.metrics.map((m) => ({ header: `${m} realized / estimated`, numeric: true })),
  ],
  rows,
)}`;
}

/** Drift per column over time and performance per chunk, from every monitor.json of the model. */
export function renderMonitoringPage(view: ModelView): string {
  const runs = view.monitoring;
  const name = view.model.name;
  const path = SITE_PATHS.monitoring(name);
  const latest = runs.at(-1) as MonitorRun;
  const withPerformance = [...runs].reverse().find((r) => r.report.performance);
  const labels = runLabels(runs);
  const shareChart = lineChart({
    id: 'share-over-time',
    series: 'drift_share',
    title: 'Share of drifted columns per run',
    label: 'drift share',
    points: runs.map((r, i) => ({ x: labels[i] ?? '', value: r.report.window.share ?? null })),
  });
  const main = [
    `<h1>${esc(name)} monitoring</h1>`,
    `<p>Latest: ${statusBadge(latest.status)} ${time(latest.date)}: ${esc(latest.report.verdict.headline ?? '')}</p>`,
    section('runs', 'Runs', runsTable(runs)),
    section(
      'drift',
      'Drift over time',
      `<div class="charts">${shareChart}</div>\n<h3>Per column</h3>\n${columnsOverTime(runs)}\n<h3>Per chunk of the latest run</h3>\n<div class="charts">${chunkCharts(latest.report, 'latest') || '<p class="muted">No chunk series.</p>'}</div>`,
    ),
    section(
      'performance',
      'Performance per chunk',
      withPerformance ? performanceSection(withPerformance) : performanceSection(latest),
    ),
  ];
  return renderPage(
    {
      path,
      title: `${name} monitoring · model registry`,
      crumbs: [
        { text: 'Models', href: SITE_PATHS.catalogue },
        { text: name, href: SITE_PATHS.model(name) },
        { text: 'Monitoring' },
      ],
      main: main.join('\n'),
    },
    view.site,
  );
}
