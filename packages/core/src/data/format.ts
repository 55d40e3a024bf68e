import { extname } from 'node:path';
import { UserError } from '../errors.js';
import { listLiteral, quoteLiteral } from './sql.js';

export const DATA_FORMATS = ['csv', 'tsv', 'parquet', 'json', 'jsonl'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

const EXTENSIONS: Record<string, DataFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

export function isDataFormat(value: string): value is DataFormat {
  return (DATA_FORMATS as readonly string[]).includes(value);
}

/** The format named by a path's extension (compression suffixes such as .gz are looked through). */
export function formatFromPath(path: string): DataFormat {
  const stripped = path.replace(/\.(gz|zst)$/i, '');
  const ext = extname(stripped).toLowerCase();
  const format = EXTENSIONS[ext];
  if (!format) {
    throw new UserError(
      `${path}: unknown data file extension '${ext || '(none)'}'. Expected one of ${Object.keys(EXTENSIONS).join(', ')}, or pass --format ${DATA_FORMATS.join('|')}.`,
    );
  }
  return format;
}

/**
 * RFC 4180 quoting, fixed: a sniffer free to guess reads a ragged or badly
 * quoted file as one wide text column instead of refusing it.
 */
const CSV_DIALECT = `header = true, auto_detect = true, strict_mode = true, quote = '"', escape = '"'`;

/** CSV and TSV: types come from DuckDB's sniffer, which reads a sample of the rows. */
export function isDelimited(format: DataFormat): boolean {
  return format === 'csv' || format === 'tsv';
}

/** `types = {...}` reading the named CSV columns as text, or nothing. */
function textTypes(textColumns: readonly string[]): string {
  if (textColumns.length === 0) return '';
  return `, types = {${textColumns.map((name) => `${quoteLiteral(name)}: 'VARCHAR'`).join(', ')}}`;
}

/**
 * The DuckDB table function call that reads these files in this format.
 * `textColumns` are read as text whatever the sniffer would make of them
 * (CSV and TSV only: the other formats carry their types).
 */
export function readerSql(
  files: readonly string[],
  format: DataFormat,
  textColumns: readonly string[] = [],
): string {
  const list = listLiteral(files);
  switch (format) {
    case 'csv':
      return `read_csv(${list}, ${CSV_DIALECT}, delim = ','${textTypes(textColumns)}, union_by_name = true)`;
    case 'tsv':
      return `read_csv(${list}, ${CSV_DIALECT}, delim = '\t'${textTypes(textColumns)}, union_by_name = true)`;
    case 'parquet':
      return `read_parquet(${list}, union_by_name = true)`;
    case 'json':
      return `read_json(${list}, format = 'auto', union_by_name = true)`;
    case 'jsonl':
      return `read_json(${list}, format = 'newline_delimited', union_by_name = true)`;
  }
}
