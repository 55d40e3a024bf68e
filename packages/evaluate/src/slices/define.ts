import type { ColumnData, NumericColumn } from '@modelgate/core';
import { quantileSorted } from '../stats/quantile.js';

export const DEFAULT_SLICE_BINS = 4;
export const MISSING_SLICE = '(missing)';

export interface SliceDefinition {
  column: string;
  /** The category, "[lower, upper]" / "(lower, upper]" for a numeric bin, or "(missing)". */
  value: string;
  kind: 'category' | 'bin' | 'missing';
  /** Holdout row indices in the slice. */
  rows: Int32Array;
  lower?: number;
  upper?: number;
}

export interface SliceOptions {
  /** Quantile bins per numeric column; default 4 (quartiles). */
  bins?: number;
}

const formatEdge = (x: number, kind: ColumnData['kind']) =>
  kind === 'datetime' ? new Date(x).toISOString() : String(Number(x.toPrecision(4)));

function groupRows(keys: Int32Array, groups: number): Int32Array[] {
  const counts = new Int32Array(groups + 1);
  for (const k of keys) counts[k + 1] = (counts[k + 1] as number) + 1;
  const out = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(groups + 1);
  keys.forEach((k, i) => {
    (out[k + 1] as Int32Array)[fill[k + 1] as number] = i;
    fill[k + 1] = (fill[k + 1] as number) + 1;
  });
  return out;
}

/** Key -1 is the missing slice, listed last; categories without rows here are left out. */
function toSlices(
  column: string,
  keys: Int32Array,
  labels: readonly Omit<SliceDefinition, 'column' | 'rows'>[],
) {
  const groups = groupRows(keys, labels.length);
  const slices: SliceDefinition[] = labels.map((label, k) => ({
    column,
    ...label,
    rows: groups[k + 1] as Int32Array,
  }));
  const missing = groups[0] as Int32Array;
  if (missing.length > 0) slices.push({ column, value: MISSING_SLICE, kind: 'missing', rows: missing });
  return slices.filter((s) => s.rows.length > 0);
}

function categorySlices(column: ColumnData): SliceDefinition[] {
  if ('codes' in column) {
    return toSlices(
      column.name,
      column.codes,
      column.dictionary.map((value) => ({ value, kind: 'category' as const })),
    );
  }
  const keys = Int32Array.from(column.values, (v, i) =>
    column.valid[i] && !Number.isNaN(v) ? (v ? 1 : 0) : -1,
  );
  return toSlices(column.name, keys, [
    { value: 'false', kind: 'category' },
    { value: 'true', kind: 'category' },
  ]);
}

/**
 * Quantile bins like pandas.qcut(duplicates="drop"): edges at numpy.quantile
 * of the valid values, equal edges merged, bins (lower, upper] with the first
 * closed on the left.
 */
function binSlices(column: NumericColumn, bins: number): SliceDefinition[] {
  const valid = (i: number) => column.valid[i] === 1 && !Number.isNaN(column.values[i] as number);
  const sorted = column.values.filter((_, i) => valid(i)).sort();
  if (sorted.length === 0) return toSlices(column.name, new Int32Array(column.values.length).fill(-1), []);
  const edges = [...new Set(Array.from({ length: bins + 1 }, (_, j) => quantileSorted(sorted, j / bins)))];
  if (edges.length === 1) edges.push(edges[0] as number);
  const keys = Int32Array.from(column.values, (v, i) => {
    if (!valid(i)) return -1;
    let k = 0;
    while (k < edges.length - 2 && v > (edges[k + 1] as number)) k++;
    return k;
  });
  const labels = edges.slice(0, -1).map((lower, k) => {
    const upper = edges[k + 1] as number;
    const open = k === 0 ? '[' : '(';
    return {
      value: `${open}${formatEdge(lower, column.kind)}, ${formatEdge(upper, column.kind)}]`,
      kind: 'bin' as const,
      lower,
      upper,
    };
  });
  return toSlices(column.name, keys, labels);
}

/**
 * Slices of the holdout: one per category of categorical/text/boolean
 * columns, one per quantile bin of numeric and datetime columns, and one for
 * missing values. Columns hold the holdout rows in the predictions' order.
 */
export function defineSlices(columns: readonly ColumnData[], options: SliceOptions = {}): SliceDefinition[] {
  const bins = options.bins ?? DEFAULT_SLICE_BINS;
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`expected a whole number of bins >= 1, got ${bins}`);
  return columns.flatMap((column) => {
    if ('codes' in column || column.kind === 'boolean') return categorySlices(column);
    return binSlices(column, bins);
  });
}
