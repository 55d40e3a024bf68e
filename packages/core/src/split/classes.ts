import type { ColumnData } from '../data/columns.js';

/** A column as dense class indices: `codes[i]` indexes `labels` (canonical order), -1 marks a null. */
export interface EncodedClasses {
  codes: Int32Array;
  labels: string[];
}

function label(column: ColumnData, value: number): string {
  if (column.kind === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/** NaN sorts last so the order of labels never depends on where NaN first appears. */
function compareNumbers(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a - b;
}

export function encodeClasses(column: ColumnData): EncodedClasses {
  if ('codes' in column) return { codes: column.codes, labels: column.dictionary };
  const distinct = new Set<number>();
  column.values.forEach((v, i) => {
    if (column.valid[i]) distinct.add(v);
  });
  const sorted = [...distinct].sort(compareNumbers);
  const index = new Map(sorted.map((v, i) => [v, i]));
  const codes = new Int32Array(column.values.length);
  column.values.forEach((v, i) => {
    codes[i] = column.valid[i] ? (index.get(v) ?? -1) : -1;
  });
  return { codes, labels: sorted.map((v) => label(column, v)) };
}

export function isNullAt(column: ColumnData, row: number): boolean {
  return 'codes' in column ? column.codes[row] === -1 : column.valid[row] === 0;
}

export function nullRows(column: ColumnData): number[] {
  const rows: number[] = [];
  const length = 'codes' in column ? column.codes.length : column.values.length;
  for (let i = 0; i < length; i++) if (isNullAt(column, i)) rows.push(i);
  return rows;
}

const ROWS_SHOWN = 5;

/** `rows 4, 272` as a user counts them: 1-based, in file order, the first few. */
export function describeRows(rows: readonly number[]): string {
  const shown = rows.slice(0, ROWS_SHOWN).map((r) => r + 1);
  return `row${rows.length === 1 ? '' : 's'} ${shown.join(', ')}${rows.length > ROWS_SHOWN ? ', …' : ''}`;
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
