import { markdownCode, type Table, type TableColumn } from '@modelgate/core';
import { formatStatistic } from '../drift/format.js';
import { percent } from './format.js';
import type { ChunkReport, MonitoredColumn, MonitorReport } from './types.js';

export const dash = '–';

export function statusCell(c: MonitoredColumn): string {
  if (c.status === 'drift' || c.status === 'stable' || c.status === 'constant')
    return c.borderline ? `${c.status} (borderline)` : c.status;
  return `${c.status}: ${c.detail}`;
}

export function pCell(c: MonitoredColumn): string {
  const p = c.adjustedPValue ?? c.pValue;
  return p === undefined ? dash : formatStatistic(p);
}

/** The statistic with its error bound; a sketch statistic without one says so. */
export function statisticCell(c: MonitoredColumn): string {
  if (c.statistic === null) return dash;
  const value = formatStatistic(c.statistic);
  if (c.status === 'constant' || c.sketchError === 0) return value;
  return c.sketchError === undefined ? `${value} (no bound)` : `${value} ± ${formatStatistic(c.sketchError)}`;
}

/** `2 of 9`, with the dataset drift and the calls within their error bound. */
export function chunkDriftCell(chunk: ChunkReport): string {
  const { drift } = chunk;
  if (drift.evaluated === 0) return dash;
  const borderline = drift.columns.filter((c) => c.borderline).length;
  return `${drift.drifted} of ${drift.evaluated}${drift.datasetDrift ? ' (dataset drift)' : ''}${borderline > 0 ? `, ${borderline} borderline` : ''}`;
}

export function thresholdCell(c: MonitoredColumn): string {
  if (c.threshold === null) return dash;
  return `${c.pValue !== undefined ? 'p < ' : '≥ '}${formatStatistic(c.threshold)}`;
}

export function chunksCell(c: MonitoredColumn): string {
  return c.chunks.tested === 0 ? dash : `${c.chunks.drifted} of ${c.chunks.tested}`;
}

export function outliersCell(c: MonitoredColumn): string {
  if (!c.outliers) return dash;
  const now = c.outliers.share === null ? dash : percent(c.outliers.share);
  return `${now} / ${percent(c.outliers.referenceShare)}`;
}

export function chunkOutliersCell(chunk: ChunkReport): string {
  const o = chunk.outliers;
  if (!o) return dash;
  return `${percent(o.rate)}${o.elevated ? ' (elevated)' : ''}`;
}

export function roleCell(chunk: ChunkReport): string {
  return chunk.role === 'too_small' ? 'too small' : chunk.role === 'none' ? dash : chunk.role;
}

/** `penguins v3 (production)`, or the reference file. */
export function modelLine(report: MonitorReport): string {
  const { model } = report;
  if (!model) return report.reference.source;
  const stages = model.stages.length > 0 ? ` (${model.stages.join(', ')})` : '';
  return `${model.name} ${model.version}${stages}`;
}

export function windowLine(report: MonitorReport): string {
  const { current, settings, chunks } = report;
  const by =
    settings.chunk === 'all'
      ? 'one chunk'
      : `${chunks.length} ${chunks.length === 1 ? 'chunk' : 'chunks'} by ${settings.chunk}`;
  const [first, last] = [chunks[0], chunks.at(-1)];
  const span = current.start && first && last && chunks.length > 1 ? `, ${first.label} to ${last.label}` : '';
  return `${current.rows.toLocaleString('en-US')} rows in ${by}${span}`;
}

const COLUMN_HEADERS: readonly TableColumn[] = [
  { header: 'column', maxChars: 32 },
  { header: 'kind' },
  { header: 'status', maxChars: 48 },
  { header: 'test' },
  { header: 'statistic', align: 'right' },
  { header: 'p-value', align: 'right' },
  { header: 'drift if', align: 'right' },
  { header: 'drifted chunks', align: 'right' },
  { header: 'outliers now / ref', align: 'right' },
  { header: 'anomalies', align: 'right' },
];

/** The per-column table, for the terminal (plain cells) or Markdown (names as code spans). */
export function columnsTable(columns: readonly MonitoredColumn[], format: 'text' | 'markdown'): Table {
  const markdown = format === 'markdown';
  const name = (c: MonitoredColumn) =>
    `${markdown ? markdownCode(c.column) : c.column}${c.role === 'target' ? ' (target)' : ''}`;
  return {
    columns: COLUMN_HEADERS.map((h, i) => (markdown && i === 0 ? { ...h, markdown: true } : h)),
    rows: columns.map((c) => [
      name(c),
      c.kind,
      c.status === 'drift' ? `DRIFT${c.borderline ? ' (borderline)' : ''}` : statusCell(c),
      c.method ?? dash,
      statisticCell(c),
      pCell(c),
      thresholdCell(c),
      chunksCell(c),
      outliersCell(c),
      c.anomalies > 0 ? String(c.anomalies) : dash,
    ]),
  };
}
