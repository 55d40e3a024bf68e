import type { Database, ProgressListener } from '../data/database.js';
import type { DatasetFingerprint } from '../data/fingerprint.js';
import type { ColumnInfo, Dataset } from '../data/load.js';
import { topCategories } from './categories.js';
import { categoryCounts } from './category-query.js';
import { hasNumbers, isoFromEpochMs } from './column-sql.js';
import { type Distribution, distributions, GROUP_BY_VALUE_MAX_DISTINCT } from './distribution-query.js';
import { numericStats } from './numeric-stats.js';
import { emptySketch, emptyTimeSketch, NUMERIC_SKETCH_ACCURACY } from './sketch.js';
import { type ColumnSummary, EXACT_DISTINCT_MAX_ROWS, summarizeColumns } from './summary-query.js';
import { type ColumnProfile, type DataProfile, EXACT_VALUES_MAX, PROFILE_VERSION } from './types.js';

export interface ProfileOptions {
  /** Stamped into the profile as is; left out, the same data gives byte-identical profiles. */
  createdAt?: string;
  /** Lineage, usually from fingerprintFiles(). */
  source?: DatasetFingerprint;
  onProgress?: ProgressListener;
  /**
   * Numeric and datetime columns with at most this many distinct finite
   * values keep each with its count (default EXACT_VALUES_MAX); 0 keeps only sketches.
   */
  exactValues?: number;
}

/** Share of the progress bar for each of the three queries. */
const STAGES = [
  [0, 0.4],
  [0.4, 0.85],
  [0.85, 1],
] as const;

function stage(onProgress: ProgressListener | undefined, index: 0 | 1 | 2): ProgressListener | undefined {
  if (!onProgress) return undefined;
  const [from, to] = STAGES[index];
  return (fraction) => onProgress(from + (to - from) * fraction);
}

function columnProfile(
  column: ColumnInfo,
  summary: ColumnSummary,
  rows: number,
  distinctExact: boolean,
  distribution: Distribution | undefined,
  categories: Map<string, number> | undefined,
  exactValues: number,
): ColumnProfile {
  const base = { type: column.type, count: summary.count, nulls: rows - summary.count };
  const counted = distribution?.distinctFinite;
  const distinct =
    counted === undefined
      ? { distinct: summary.distinct, distinctExact }
      : {
          distinct:
            counted + Number(summary.nan > 0) + Number(summary.posInf > 0) + Number(summary.negInf > 0),
          distinctExact: true,
        };
  switch (column.kind) {
    case 'numeric':
      return {
        kind: 'numeric',
        ...base,
        ...distinct,
        nan: summary.nan,
        posInf: summary.posInf,
        negInf: summary.negInf,
        stats: numericStats(summary.values, distribution, emptySketch(NUMERIC_SKETCH_ACCURACY), exactValues),
      };
    case 'datetime': {
      const { min, max } = summary.values;
      return {
        kind: 'datetime',
        ...base,
        ...distinct,
        min: min === null ? null : isoFromEpochMs(min, column.type),
        max: max === null ? null : isoFromEpochMs(max, column.type),
        stats: numericStats(summary.values, distribution, emptyTimeSketch(), exactValues),
      };
    }
    case 'boolean':
      return {
        kind: 'boolean',
        ...base,
        distinct: Number(summary.true > 0) + Number(summary.false > 0),
        distinctExact: true,
        true: summary.true,
        false: summary.false,
      };
    case 'categorical':
      return {
        kind: 'categorical',
        ...base,
        distinct: categories?.size ?? 0,
        distinctExact: true,
        ...topCategories(categories ?? []),
        length: summary.values,
      };
    case 'text':
      return { kind: 'text', ...base, distinct: summary.distinct, distinctExact, length: summary.values };
  }
}

/**
 * Profiles every column of a loaded data set in three queries: one aggregate
 * pass over all columns, one grouping numeric columns into sketch buckets and
 * histogram bins (or by value, keeping up to `exactValues` of them), one
 * counting categories. Kinds come from `dataset.columns`;
 * pass the reference kinds there to keep profiles of new data mergeable.
 */
export async function profileDataset(
  db: Database,
  dataset: Dataset,
  options: ProfileOptions = {},
): Promise<DataProfile> {
  const { table, columns } = dataset;
  const exactValues = options.exactValues ?? EXACT_VALUES_MAX;
  const distinctExact = dataset.rowCount <= EXACT_DISTINCT_MAX_ROWS;
  const summary = await summarizeColumns(db, table, columns, {
    exactDistinct: distinctExact,
    onProgress: stage(options.onProgress, 0),
  });
  const numbered = columns.flatMap((column, i) => {
    const values = summary.columns[i]?.values;
    if (!hasNumbers(column) || !values || values.min === null || values.max === null) return [];
    const byValue = (summary.columns[i]?.distinct ?? 0) <= Math.max(GROUP_BY_VALUE_MAX_DISTINCT, exactValues);
    return [
      { i, column, relativeAccuracy: NUMERIC_SKETCH_ACCURACY, min: values.min, max: values.max, byValue },
    ];
  });
  const shapes = await distributions(db, table, numbered, stage(options.onProgress, 1));
  const distributionOf = new Map(numbered.map((n, j) => [n.i, shapes[j]]));
  const categorical = columns.flatMap((column, i) => (column.kind === 'categorical' ? [{ i, column }] : []));
  const counts = await categoryCounts(
    db,
    table,
    categorical.map((c) => c.column),
    stage(options.onProgress, 2),
  );
  const countsOf = new Map(categorical.map((c, j) => [c.i, counts[j]]));
  const profiles = columns.map((column, i): [string, ColumnProfile] => {
    const columnSummary = summary.columns[i] as ColumnSummary;
    return [
      column.name,
      columnProfile(
        column,
        columnSummary,
        summary.rows,
        distinctExact,
        distributionOf.get(i),
        countsOf.get(i),
        exactValues,
      ),
    ];
  });
  return {
    version: PROFILE_VERSION,
    rows: summary.rows,
    exactValues,
    ...(options.createdAt !== undefined ? { createdAt: options.createdAt } : {}),
    ...(options.source !== undefined ? { source: options.source } : {}),
    columns: Object.fromEntries(profiles),
  };
}
