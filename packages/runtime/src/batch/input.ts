import {
  type ColumnInfo,
  checkColumnNames,
  checkTextEncoding,
  type Database,
  type DataFormat,
  describeFiles,
  duckdbMessage,
  formatFromPath,
  kindOf,
  listLiteral,
  numberSql,
  quoteIdent,
  quoteLiteral,
  readerSql,
  refuseEmptyFiles,
  resolveFiles,
  toNumber,
  UserError,
} from '@modelgate/core';
import type { ColumnsSpec } from '../columns.js';
import { notANumberSql, numberFromTextSql } from './number-text.js';

/** The input as one streaming query: ids as they are, features ready to score, a reason per bad row. */
export interface InputQuery {
  files: string[];
  format: DataFormat;
  /** Id columns with their DuckDB types, selected first. */
  ids: ColumnInfo[];
  /** SELECT ids..., features..., reason FROM the files. */
  sql: string;
  /** Known without a scan (Parquet). */
  total: number | undefined;
}

type Feature = ColumnsSpec['features'][number];

function featureSql(feature: Feature, column: ColumnInfo): string {
  const id = quoteIdent(column.name);
  if (feature.kind === 'categorical') {
    // A bare model described by flags lists no categories: its strings go to it as they are.
    if (feature.categories === undefined) return `CAST(${id} AS VARCHAR)`;
    const categories = feature.categories;
    if (categories.length === 0) return 'CAST(-1 AS INTEGER)';
    // Unseen and null categories become -1, which the model gets as '' (unknown).
    return `coalesce(CAST(enum_code(TRY_CAST(CAST(${id} AS VARCHAR) AS ENUM(${listLiteral(categories).slice(1, -1)}))) AS INTEGER), -1)`;
  }
  if (column.kind === 'numeric' || column.kind === 'datetime' || column.kind === 'boolean') {
    return numberSql(column);
  }
  return numberFromTextSql(`CAST(${id} AS VARCHAR)`);
}

/** A reason when the value is there but is not a number (text in a numeric feature), by the web bundle's rule too. */
function typeCheckSql(feature: Feature, column: ColumnInfo): string | undefined {
  if (feature.kind === 'categorical') return undefined;
  if (column.kind === 'numeric' || column.kind === 'datetime' || column.kind === 'boolean') return undefined;
  const text = `CAST(${quoteIdent(column.name)} AS VARCHAR)`;
  const name = quoteLiteral(`column '${column.name}': '`);
  return `CASE WHEN ${notANumberSql(text)} THEN ${name} || ${text} || ''' is not a number' END`;
}

async function describe(db: Database, from: string, where: string): Promise<ColumnInfo[]> {
  try {
    const rows = await db.rows<{ column_name: string; column_type: string }>(
      `DESCRIBE SELECT * FROM ${from}`,
    );
    return rows.map((r) => ({ name: r.column_name, type: r.column_type, kind: kindOf(r.column_type) }));
  } catch (err) {
    throw new UserError(`${where}: cannot read: ${duckdbMessage(err)}`);
  }
}

async function parquetRows(db: Database, from: string): Promise<number | undefined> {
  const row = await db.first(`SELECT count(*) AS n FROM ${from}`);
  return toNumber(row.n) ?? undefined;
}

/** Reads the schema of the input, checks the model's features and the ids are there, and plans the query. */
export async function planInput(
  db: Database,
  input: { path: string; format?: DataFormat | undefined },
  spec: ColumnsSpec,
  idNames: readonly string[],
): Promise<InputQuery> {
  const files = await resolveFiles(db, input.path);
  const format = input.format ?? formatFromPath(files[0] ?? input.path);
  const where = describeFiles(files);
  await refuseEmptyFiles(files);
  await checkTextEncoding(files, format);
  // CSV types come from a sample: a later 'n/a' in a number column would stop the whole read, and a
  // yes/no column would be read as booleans. Features are read as text and converted per row instead.
  const textFeatures = spec.features.map((f) => f.name);
  const sniffed = await describe(db, readerSql(files, format), where);
  checkColumnNames(
    where,
    sniffed.map((c) => c.name),
  );
  const present = new Set(sniffed.map((c) => c.name));
  const missing = spec.features.filter((f) => !present.has(f.name)).map((f) => `'${f.name}'`);
  if (missing.length > 0) {
    throw new UserError(
      `${where}: no column ${missing.join(', ')}, which the model needs (features: ${spec.features.map((f) => f.name).join(', ')}).`,
    );
  }
  for (const id of idNames) {
    if (!present.has(id)) {
      throw new UserError(`--id ${id}: ${where} has no such column (columns: ${[...present].join(', ')}).`);
    }
  }
  const from = readerSql(files, format, textFeatures);
  const columns = new Map((await describe(db, from, where)).map((c) => [c.name, c]));
  const ids = idNames.map((name) => columns.get(name) as ColumnInfo);
  const features = spec.features.map((f) => featureSql(f, columns.get(f.name) as ColumnInfo));
  const checks = spec.features
    .map((f) => typeCheckSql(f, columns.get(f.name) as ColumnInfo))
    .filter((c): c is string => c !== undefined);
  const reason = checks.length > 0 ? `concat_ws('; ', ${checks.join(', ')})` : `CAST(NULL AS VARCHAR)`;
  const selects = [...ids.map((c) => quoteIdent(c.name)), ...features, reason];
  return {
    files,
    format,
    ids,
    sql: `SELECT ${selects.join(', ')} FROM ${from}`,
    total: format === 'parquet' ? await parquetRows(db, from) : undefined,
  };
}
