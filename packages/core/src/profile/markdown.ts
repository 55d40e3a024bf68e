import { basename } from 'node:path';
import { markdownCode } from '../markdown/cell.js';
import { markdownText } from '../markdown/escape.js';
import { renderMarkdownTable, type TableColumn } from '../markdown/table.js';
import { formatNumber, formatShare, type SummaryRow, summaryRows } from './format.js';
import type { ColumnProfile, DataProfile } from './types.js';

const TOP_SHOWN = 5;

const SUMMARY_COLUMNS: TableColumn[] = [
  { header: 'column', align: 'left', markdown: true },
  { header: 'kind', align: 'left' },
  ...['nulls', 'distinct', 'mean', 'std', 'min', 'p50', 'max'].map(
    (header): TableColumn => ({ header, align: 'right' }),
  ),
  { header: 'histogram', align: 'left' },
];

function summaryTable(rows: SummaryRow[]): string {
  return renderMarkdownTable({
    columns: SUMMARY_COLUMNS,
    rows: rows.map((r) => [
      markdownCode(r.column),
      r.kind,
      r.nulls,
      r.distinct,
      r.mean,
      r.std,
      r.min,
      r.p50,
      r.max,
      r.histogram,
    ]),
  });
}

/** A table of column name and one Markdown cell about it. */
function perColumnTable(header: string, rows: string[][], markdown: boolean): string {
  const columns: TableColumn[] = [
    { header: 'column', align: 'left', markdown: true },
    { header, align: 'left', markdown },
  ];
  return renderMarkdownTable({ columns, rows });
}

function topValues(column: ColumnProfile): string | undefined {
  const share = (n: number) => `${formatNumber(n)} (${formatShare(n, column.count)})`;
  if (column.kind === 'boolean') return `\`true\` ${share(column.true)} · \`false\` ${share(column.false)}`;
  if (column.kind !== 'categorical') return undefined;
  const shown = column.categories
    .slice(0, TOP_SHOWN)
    .map(([value, n]) => `${markdownCode(value)} ${share(n)}`);
  const hidden = column.categories.length - TOP_SHOWN;
  if (hidden > 0) shown.push(`… ${formatNumber(hidden)} more`);
  if (column.other > 0) shown.push(`other ${share(column.other)}`);
  return shown.join(' · ');
}

function note(column: ColumnProfile): string | undefined {
  if (column.kind === 'numeric') {
    const parts = [
      column.nan > 0 ? `${formatNumber(column.nan)} NaN` : '',
      column.posInf > 0 ? `${formatNumber(column.posInf)} +inf` : '',
      column.negInf > 0 ? `${formatNumber(column.negInf)} -inf` : '',
    ].filter(Boolean);
    return parts.length > 0 ? `${parts.join(', ')} (left out of mean, std, quantiles)` : undefined;
  }
  if (column.kind === 'text' && column.length.count > 0) {
    const { min, max, mean } = column.length;
    const range = min === max ? formatNumber(min) : `${formatNumber(min)}–${formatNumber(max)}`;
    return `text, length ${range} (mean ${formatNumber(mean)})`;
  }
  return undefined;
}

function sourceLine(profile: DataProfile): string {
  const columns = Object.keys(profile.columns).length;
  const shape = `**${formatNumber(profile.rows)} rows**, ${formatNumber(columns)} columns`;
  const source = profile.source;
  if (!source || source.files.length === 0) return shape;
  const first = markdownCode(basename(source.files[0]?.path ?? ''));
  const files = source.files.length === 1 ? first : `${first} and ${source.files.length - 1} more files`;
  return `${shape} from ${files} (sha256 \`${source.sha256.slice(0, 12)}\`)`;
}

/** profile.md: a summary table, then top values and notes; short enough for a PR comment. */
export function renderProfileMarkdown(profile: DataProfile, options: { title?: string } = {}): string {
  const lines = [`### ${markdownText(options.title ?? 'Data profile')}`, '', sourceLine(profile), ''];
  lines.push(summaryTable(summaryRows(profile)));
  const entries = Object.entries(profile.columns);
  const tops = entries.flatMap(([name, c]) => {
    const text = topValues(c);
    return text ? [[markdownCode(name), text]] : [];
  });
  if (tops.length > 0) lines.push('', '**Top values**', '', perColumnTable('values', tops, true));
  const notes = entries.flatMap(([name, c]) => {
    const text = note(c);
    return text ? [[markdownCode(name), text]] : [];
  });
  if (notes.length > 0) lines.push('', '**Notes**', '', perColumnTable('note', notes, false));
  return `${lines.join('\n')}\n`;
}
