import { isoFromEpochMs } from './column-sql.js';
import type { ColumnProfile, DataProfile, Histogram } from './types.js';

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** About four significant digits, thousands grouped; locale-independent so output is deterministic. */
export function formatNumber(x: number | null): string {
  if (x === null) return '';
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1e15 || (abs > 0 && abs < 1e-4)) return x.toExponential(3);
  const decimals = Number.isInteger(x) ? 0 : Math.min(6, Math.max(0, 3 - Math.floor(Math.log10(abs))));
  const fixed = x.toFixed(decimals);
  const [int = '', frac] = fixed.split('.');
  const trimmed = frac?.replace(/0+$/, '');
  const sign = int.startsWith('-') ? '-' : '';
  const grouped = `${sign}${groupThousands(int.replace('-', ''))}`;
  return trimmed ? `${grouped}.${trimmed}` : grouped === '-0' ? '0' : grouped;
}

export function formatShare(part: number, total: number): string {
  if (total === 0 || part === 0) return '0%';
  const percent = (100 * part) / total;
  if (percent < 0.1) return '<0.1%';
  return `${Number(percent.toFixed(1))}%`;
}

/** An epoch-millisecond value in its column's precision, rounded to the second. */
export function formatInstant(ms: number | null, type: string): string {
  if (ms === null) return '';
  const iso = isoFromEpochMs(Math.round(ms / 1000) * 1000, type);
  return iso
    .replace('T', ' ')
    .replace(/\.000Z?$|Z$/, '')
    .replace(/ 00:00:00$/, '');
}

const DURATION_UNITS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1_000, 's'],
];

export function formatDuration(ms: number | null): string {
  if (ms === null) return '';
  for (const [size, unit] of DURATION_UNITS) {
    if (ms >= size) return `${formatNumber(Number((ms / size).toPrecision(4)))} ${unit}`;
  }
  return `${formatNumber(ms)} ms`;
}

const BLOCKS = '▂▃▄▅▆▇█';

/** The histogram as a row of block characters; an empty bin is the lowest block. */
export function sparkline(histogram: Histogram | null): string {
  if (!histogram) return '';
  const peak = Math.max(...histogram.counts);
  if (peak <= 0) return '';
  return histogram.counts
    .map((n) => (n === 0 ? '▁' : BLOCKS[Math.min(BLOCKS.length - 1, Math.floor((n / peak) * BLOCKS.length))]))
    .join('');
}

/** One summary line of a column as display strings; column names are raw, callers escape them. */
export interface SummaryRow {
  column: string;
  kind: string;
  nulls: string;
  distinct: string;
  mean: string;
  std: string;
  min: string;
  p50: string;
  max: string;
  histogram: string;
}

function distinctText(column: ColumnProfile): string {
  return `${column.distinctExact ? '' : '≈'}${formatNumber(column.distinct)}`;
}

export function summaryRow(name: string, column: ColumnProfile, rows: number): SummaryRow {
  const nulls =
    column.nulls === 0 ? '0' : `${formatNumber(column.nulls)} (${formatShare(column.nulls, rows)})`;
  const row: SummaryRow = {
    column: name,
    kind: column.kind,
    nulls,
    distinct: distinctText(column),
    mean: '',
    std: '',
    min: '',
    p50: '',
    max: '',
    histogram: '',
  };
  if (column.kind === 'numeric') {
    const s = column.stats;
    return {
      ...row,
      mean: formatNumber(s.mean),
      std: formatNumber(s.std),
      min: formatNumber(s.min),
      p50: formatNumber(s.quantiles?.p50 ?? null),
      max: formatNumber(s.max),
      histogram: sparkline(s.histogram),
    };
  }
  if (column.kind === 'datetime') {
    const s = column.stats;
    return {
      ...row,
      mean: formatInstant(s.mean, column.type),
      std: formatDuration(s.std),
      min: formatInstant(s.min, column.type),
      p50: formatInstant(s.quantiles?.p50 ?? null, column.type),
      max: formatInstant(s.max, column.type),
      histogram: sparkline(s.histogram),
    };
  }
  return row;
}

export function summaryRows(profile: DataProfile): SummaryRow[] {
  return Object.entries(profile.columns).map(([name, column]) => summaryRow(name, column, profile.rows));
}
