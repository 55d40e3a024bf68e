import { stat } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { textInBooleanColumns } from './csv-booleans.js';
import { diagnoseCsv } from './csv-diagnosis.js';
import { checkCsvHeader } from './csv-header.js';
import { type Database, duckdbMessage, type ProgressListener } from './database.js';
import { checkTextEncoding } from './encoding.js';
import { type DataFormat, formatFromPath, readerSql } from './format.js';
import { type ColumnKind, isStringType, kindOf } from './kinds.js';
import { checkColumnNames, hasNulSql, refuseNulValue } from './nul.js';
import { quoteIdent, quoteLiteral, toNumber } from './sql.js';

export interface DataSpec {
  /** A file path or a glob (`data/*.parquet`). */
  path: string;
  format?: DataFormat | undefined;
}

export interface ColumnInfo {
  name: string;
  /** The DuckDB logical type, e.g. DOUBLE, VARCHAR, TIMESTAMP. */
  type: string;
  kind: ColumnKind;
}

export interface Dataset {
  /** The DuckDB table holding the rows in file order. */
  table: string;
  files: string[];
  format: DataFormat;
  columns: ColumnInfo[];
  rowCount: number;
}

/** How messages name the data read: the file, or how many files a glob matched. */
export function describeFiles(files: readonly string[]): string {
  return files.length === 1 ? (files[0] ?? '') : `${files.length} files`;
}

const GLOB_CHARS = /[*?[{]/;

export async function resolveFiles(db: Database, path: string): Promise<string[]> {
  if (GLOB_CHARS.test(path)) {
    const rows = await db.rows<{ file: string }>(
      `SELECT file FROM glob(${quoteLiteral(path)}) ORDER BY file`,
    );
    if (rows.length === 0) throw new UserError(`${path}: no files match this pattern.`);
    return rows.map((r) => r.file);
  }
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UserError(`${path}: no such file.`);
  if (info.isDirectory()) {
    throw new UserError(
      `${path}: is a directory. Expected a data file or a glob such as '${path}/*.parquet'.`,
    );
  }
  return [path];
}

function formatOfFiles(files: readonly string[], explicit: DataFormat | undefined): DataFormat {
  if (explicit) return explicit;
  const formats = new Set(files.map(formatFromPath));
  if (formats.size > 1) {
    throw new UserError(
      `${files.join(', ')}: files of different formats (${[...formats].join(', ')}) in one data set.`,
    );
  }
  return formatFromPath(files[0] ?? '');
}

async function explainReadFailure(
  files: readonly string[],
  format: DataFormat,
  err: unknown,
): Promise<UserError> {
  if (format === 'csv' || format === 'tsv') {
    for (const file of files) {
      const fault = await diagnoseCsv(file, format === 'tsv' ? '\t' : ',');
      if (fault) return new UserError(`${file}: malformed ${format.toUpperCase()}: ${fault}.`);
    }
  }
  const message = duckdbMessage(err).replace(/^[A-Za-z ]+Error: /, '');
  const lines = String(err instanceof Error ? err.message : err).split('\n');
  const reason = lines.find((l) => /not utf-8|Invalid unicode/i.test(l));
  const where = files.length === 1 ? files[0] : `${files.length} files (${files[0]}, …)`;
  return new UserError(`${where}: cannot read as ${format.toUpperCase()}: ${reason?.trim() ?? message}`);
}

/** A data file of zero bytes is refused by name, before a reader reports it as something else. */
export async function refuseEmptyFiles(files: readonly string[]): Promise<void> {
  for (const file of files) {
    const info = await stat(file);
    if (info.size === 0) throw new UserError(`${file}: file is empty. Expected a header and rows of data.`);
  }
}

/**
 * Reads files into a DuckDB table, keeping file order in `rowid`, and tells
 * the kind of each column.
 */
export async function loadDataset(
  db: Database,
  spec: DataSpec,
  options: { table?: string; onProgress?: ProgressListener } = {},
): Promise<Dataset> {
  const table = options.table ?? 'dataset';
  const files = await resolveFiles(db, spec.path);
  const format = formatOfFiles(files, spec.format);
  await refuseEmptyFiles(files);
  await checkTextEncoding(files, format);
  await checkCsvHeader(files, format);
  try {
    const textColumns = await textInBooleanColumns(db, files, format);
    await db.run(
      `CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} AS SELECT * FROM ${readerSql(files, format, textColumns)}`,
      options.onProgress,
    );
  } catch (err) {
    throw await explainReadFailure(files, format, err);
  }
  const columns = await describeColumns(db, table, describeFiles(files));
  const rowCount = toNumber((await db.first(`SELECT count(*) AS n FROM ${quoteIdent(table)}`)).n) ?? 0;
  return { table, files, format, columns, rowCount };
}

/**
 * The columns of a table with their kinds. With `where` (how messages name
 * the data), a NUL in a column name or a text value is refused: the scan that
 * counts distinct strings looks for it too.
 */
export async function describeColumns(db: Database, table: string, where?: string): Promise<ColumnInfo[]> {
  const described = await db.rows<{ column_name: string; column_type: string }>(
    `DESCRIBE ${quoteIdent(table)}`,
  );
  if (where !== undefined)
    checkColumnNames(
      where,
      described.map((c) => c.column_name),
    );
  const strings = described.filter((c) => isStringType(c.column_type) && c.column_type === 'VARCHAR');
  const cardinality = new Map<string, { distinct: number; nonNull: number }>();
  if (strings.length > 0) {
    const selects = strings.flatMap((c, i) => [
      `approx_count_distinct(${quoteIdent(c.column_name)}) AS d${i}`,
      `count(${quoteIdent(c.column_name)}) AS n${i}`,
      ...(where !== undefined ? [`${hasNulSql(c.column_name)} AS z${i}`] : []),
    ]);
    const row = await db.first(`SELECT ${selects.join(', ')} FROM ${quoteIdent(table)}`);
    const withNul = strings.find((_, i) => row[`z${i}`] === true);
    if (withNul && where !== undefined) await refuseNulValue(db, table, withNul.column_name, where);
    strings.forEach((c, i) => {
      cardinality.set(c.column_name, {
        distinct: toNumber(row[`d${i}`]) ?? 0,
        nonNull: toNumber(row[`n${i}`]) ?? 0,
      });
    });
  }
  return described.map((c) => {
    const card = cardinality.get(c.column_name);
    return {
      name: c.column_name,
      type: c.column_type,
      kind: kindOf(c.column_type, card?.distinct, card?.nonNull),
    };
  });
}
