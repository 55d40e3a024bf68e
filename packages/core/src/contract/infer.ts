import type { Database, ProgressListener, Row } from '../data/database.js';
import { type ColumnInfo, type Dataset, describeFiles } from '../data/load.js';
import { quoteIdent, toNumber } from '../data/sql.js';
import { UserError } from '../errors.js';
import { CONTRACT_VERSION, type Contract, type ContractColumn } from './schema.js';
import { asDouble, duplicateCountExpr, duplicateExamplesSql } from './sql.js';

export interface InferOptions {
  /** Columns whose combined values must be unique; checked against the reference data. */
  key?: readonly string[] | undefined;
  /** Added to the observed null rate of a nullable column to give its max_null_rate. Default 0.05. */
  nullRateMargin?: number | undefined;
  /** Widens the observed numeric range by this fraction of its span on each side. Default 0. */
  rangeTolerance?: number | undefined;
  /** Categories are listed only for columns with at most this many distinct values. Default 50. */
  maxCategories?: number | undefined;
  /** rows.min as a fraction of the reference row count, rounded down. Default 0.5. */
  minRowsFraction?: number | undefined;
  onProgress?: ProgressListener | undefined;
}

type InferSettings = Required<Omit<InferOptions, 'key' | 'onProgress'>>;

export const INFER_DEFAULTS: Readonly<{ [K in keyof InferSettings]: number }> = {
  nullRateMargin: 0.05,
  rangeTolerance: 0,
  maxCategories: 50,
  minRowsFraction: 0.5,
};

const INTEGER_TYPE = /^U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?$/;

/** Rounds up to 4 decimals, so the written limit never falls below the computed one. */
function ceil4(value: number): number {
  return Math.ceil(value * 1e4 - 1e-9) / 1e4;
}

function hasCategories(column: ColumnInfo): boolean {
  return column.kind === 'categorical';
}

function selectsFor(column: ColumnInfo, i: number, maxCategories: number): string[] {
  const id = quoteIdent(column.name);
  const selects = [`count(${id}) AS n${i}`];
  if (column.kind === 'numeric') {
    const x = asDouble(column.name);
    selects.push(
      `min(${x}) FILTER (WHERE isfinite(${x})) AS lo${i}`,
      `max(${x}) FILTER (WHERE isfinite(${x})) AS hi${i}`,
      `count(*) FILTER (WHERE NOT isfinite(${x})) AS nf${i}`,
    );
  }
  if (hasCategories(column)) {
    selects.push(
      `CASE WHEN count(DISTINCT ${id}) <= ${maxCategories} THEN list(DISTINCT CAST(${id} AS VARCHAR)) FILTER (WHERE ${id} IS NOT NULL) END AS cat${i}`,
    );
  }
  return selects;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function numericRange(column: ColumnInfo, row: Row, i: number, tolerance: number) {
  const lo = toNumber(row[`lo${i}`]);
  const hi = toNumber(row[`hi${i}`]);
  // A reference with NaN or ±inf has no range JSON can state, so the column gets no range rule.
  if (lo === null || hi === null || (toNumber(row[`nf${i}`]) ?? 0) > 0) return {};
  const pad = (hi - lo) * tolerance;
  if (pad === 0) return { min: lo, max: hi };
  const integer = INTEGER_TYPE.test(column.type);
  return {
    min: integer ? Math.floor(lo - pad) : lo - pad,
    max: integer ? Math.ceil(hi + pad) : hi + pad,
  };
}

function inferColumn(
  column: ColumnInfo,
  row: Row,
  i: number,
  rowCount: number,
  options: typeof INFER_DEFAULTS,
): ContractColumn {
  const nulls = rowCount - (toNumber(row[`n${i}`]) ?? 0);
  const categories = row[`cat${i}`];
  return {
    name: column.name,
    kind: column.kind,
    nullable: nulls > 0,
    ...(nulls > 0 ? { max_null_rate: Math.min(1, ceil4(nulls / rowCount + options.nullRateMargin)) } : {}),
    ...(column.kind === 'numeric' ? numericRange(column, row, i, options.rangeTolerance) : {}),
    ...(Array.isArray(categories) ? { categories: (categories as string[]).sort(byCodeUnit) } : {}),
  };
}

async function checkKey(db: Database, dataset: Dataset, key: readonly string[], duplicates: number) {
  if (duplicates === 0) return;
  const columns = key.map((k) => dataset.columns.find((c) => c.name === k) as ColumnInfo);
  const [first] = await db.rows<{ row: bigint }>(duplicateExamplesSql(dataset.table, columns));
  throw new UserError(
    `key (${key.join(', ')}) is not unique in ${describeFiles(dataset.files)}: ${duplicates} rows repeat an earlier row's key, the first at row ${first?.row ?? '?'}.`,
  );
}

/**
 * A contract the reference data passes: its columns and kinds; nullable when
 * any null is seen, with max_null_rate = observed rate + nullRateMargin;
 * numeric min/max = the observed finite range widened by rangeTolerance;
 * categories when a categorical column has at most maxCategories values;
 * rows.min = minRowsFraction of the reference rows and no rows.max. A key is
 * only ever explicit: uniqueness seen in one sample says little about the next.
 */
export async function inferContract(
  db: Database,
  dataset: Dataset,
  options: InferOptions = {},
): Promise<Contract> {
  const settings = {
    nullRateMargin: options.nullRateMargin ?? INFER_DEFAULTS.nullRateMargin,
    rangeTolerance: options.rangeTolerance ?? INFER_DEFAULTS.rangeTolerance,
    maxCategories: options.maxCategories ?? INFER_DEFAULTS.maxCategories,
    minRowsFraction: options.minRowsFraction ?? INFER_DEFAULTS.minRowsFraction,
  };
  if (dataset.rowCount === 0) {
    throw new UserError(
      `${describeFiles(dataset.files)}: no rows. A contract needs reference data to infer from.`,
    );
  }
  const key = options.key ? [...options.key] : undefined;
  for (const k of key ?? []) {
    if (!dataset.columns.some((c) => c.name === k)) {
      throw new UserError(
        `key column '${k}' is not in ${describeFiles(dataset.files)}. Columns: ${dataset.columns.map((c) => c.name).join(', ')}.`,
      );
    }
  }
  const selects = dataset.columns.flatMap((c, i) => selectsFor(c, i, settings.maxCategories));
  if (key && key.length > 0) selects.push(`${duplicateCountExpr(key)} AS dup`);
  const row =
    selects.length === 0
      ? {}
      : await db.first(`SELECT ${selects.join(', ')} FROM ${quoteIdent(dataset.table)}`, options.onProgress);
  if (key && key.length > 0) await checkKey(db, dataset, key, toNumber(row.dup) ?? 0);
  return {
    version: CONTRACT_VERSION,
    rows: { min: Math.floor(dataset.rowCount * settings.minRowsFraction) },
    ...(key && key.length > 0 ? { key } : {}),
    columns: dataset.columns.map((c, i) => inferColumn(c, row, i, dataset.rowCount, settings)),
  };
}
