import { formatStatistic } from '../drift/format.js';
import type { ColumnDrift, DriftReport } from '../drift/types.js';
import { percent } from '../report/format.js';
import type { Alert, Anomaly, ChunkReport, OutlierSummary, SeriesReport } from '../report/types.js';

export function describeOutliers(o: OutlierSummary): string {
  const rows = o.estimated ? `about ${Math.round(o.outlierRows)}` : String(o.outlierRows);
  return `outlier rate ${percent(o.rate)} (${rows} of ${o.rows} rows) vs ${percent(o.expected)} expected from the reference`;
}

function names(columns: readonly ColumnDrift[]): string {
  const all = columns.map((c) => c.column);
  return all.length > 8 ? `${all.slice(0, 8).join(', ')}, …` : all.join(', ');
}

function anomalyMessage(a: Anomaly, series: SeriesReport): string {
  const { band } = a;
  const show = series.kind === 'outlier_rate' ? percent : formatStatistic;
  const side = a.value > band.upper ? `above ${show(band.upper)}` : `below ${show(band.lower)}`;
  return `${a.label}: ${a.series} ${show(a.value)} is ${side} (baseline mean ${show(band.mean)}, σ ${show(band.std)})`;
}

/** An empty window looks like a healthy one to every other check: a broken feed is an alert of its own. */
export const NO_ROWS_MESSAGE = 'no rows in the window: the current data has none (is the feed broken?)';

/** Everything that makes the run exit 1, window first, then chunk by chunk. */
export function collectAlerts(
  windowRows: number,
  window: DriftReport,
  windowOutliers: OutlierSummary | null,
  chunks: readonly ChunkReport[],
  series: readonly SeriesReport[],
  anomalies: readonly Anomaly[],
): Alert[] {
  const alerts: Alert[] = [];
  if (windowRows === 0) alerts.push({ kind: 'no_rows', chunk: null, message: NO_ROWS_MESSAGE });
  else if (window.tooSmall) {
    alerts.push({
      kind: 'too_few_rows',
      chunk: null,
      message: `too few rows in the window: ${windowRows}, fewer than the ${window.settings.minRows} a drift test needs (is the feed thinning?)`,
    });
  }
  if (window.datasetDrift) {
    alerts.push({
      kind: 'dataset_drift',
      chunk: null,
      message: `dataset drift: ${window.drifted} of ${window.evaluated} columns drifted (share ${formatStatistic(window.share)} ≥ ${window.settings.shareThreshold}): ${names(window.columns.filter((c) => c.drifted))}`,
    });
  }
  const missing = window.columns.filter((c) => c.status === 'missing');
  if (missing.length > 0) {
    alerts.push({
      kind: 'missing_columns',
      chunk: null,
      message: `${missing.length} of ${window.columns.length} reference columns are not in the current data: ${names(missing)}`,
    });
  }
  if (windowOutliers?.elevated) {
    alerts.push({
      kind: 'outlier_rate',
      chunk: null,
      message: `whole window: ${describeOutliers(windowOutliers)}`,
    });
  }
  const byName = new Map(series.map((s) => [s.name, s]));
  const perChunk: Alert[] = [];
  for (const chunk of chunks) {
    if (chunk.role === 'too_small' || !chunk.outliers?.elevated || chunks.length === 1) continue;
    perChunk.push({
      kind: 'outlier_rate',
      chunk: chunk.index,
      message: `${chunk.label}: ${describeOutliers(chunk.outliers)}`,
    });
  }
  for (const a of anomalies) {
    perChunk.push({
      kind: 'chunk_anomaly',
      chunk: a.chunk,
      series: a.series,
      message: anomalyMessage(a, byName.get(a.series) as SeriesReport),
    });
  }
  return [...alerts, ...perChunk.sort((a, b) => (a.chunk ?? 0) - (b.chunk ?? 0))];
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The one line a person reads first. */
export function headline(
  alerts: readonly Alert[],
  window: DriftReport,
  windowOutliers: OutlierSummary | null,
  checkedChunks: number,
  performance: string | null = null,
): string {
  const parts: string[] = [];
  if (alerts.some((a) => a.kind === 'no_rows')) parts.push('no rows in the window');
  if (alerts.some((a) => a.kind === 'too_few_rows')) parts.push('too few rows in the window');
  const share = `${window.drifted} of ${window.evaluated} columns drifted`;
  parts.push(window.datasetDrift ? `dataset drift (${share})` : share);
  const missing = window.columns.filter((c) => c.status === 'missing').length;
  if (missing > 0) parts.push(`${missing} ${missing === 1 ? 'column' : 'columns'} missing`);
  const anomalies = alerts.filter((a) => a.kind === 'chunk_anomaly');
  if (checkedChunks > 0) {
    parts.push(
      anomalies.length > 0
        ? `${plural(anomalies.length, 'chunk anomaly', 'chunk anomalies')} in ${plural(new Set(anomalies.map((a) => a.chunk)).size, 'chunk')}`
        : 'no chunk anomalies',
    );
  }
  if (windowOutliers) {
    const flagged = alerts.filter((a) => a.kind === 'outlier_rate').length;
    parts.push(
      `outlier rate ${percent(windowOutliers.rate)} (${percent(windowOutliers.expected)} expected)${flagged > 0 ? `, elevated in ${plural(flagged, 'place')}` : ''}`,
    );
  }
  if (performance) {
    const worse = alerts.filter((a) => a.kind === 'performance').length;
    parts.push(`${performance}${worse > 0 ? `, worse than the holdout in ${plural(worse, 'place')}` : ''}`);
  }
  return `${alerts.length > 0 ? 'Alert' : 'No alert'}: ${parts.join('; ')}.`;
}
