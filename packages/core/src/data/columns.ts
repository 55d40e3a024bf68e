import type { DuckDBVector } from '@duckdb/node-api';
import type { Database } from './database.js';
import type { ColumnInfo } from './load.js';
import { listLiteral, numberSql, quoteIdent } from './sql.js';

/** Numbers (datetimes as epoch milliseconds). `valid[i] = 0` marks a null; NaN and ±inf stay in `values`. */
export interface NumericColumn {
  kind: 'numeric' | 'datetime' | 'boolean';
  name: string;
  values: Float64Array;
  valid: Uint8Array;
}

/** Dictionary-encoded strings: `codes[i]` indexes `dictionary` (sorted), -1 marks a null. */
export interface CategoricalColumn {
  kind: 'categorical' | 'text';
  name: string;
  codes: Int32Array;
  dictionary: string[];
}

export type ColumnData = NumericColumn | CategoricalColumn;

async function dictionaryOf(db: Database, table: string, column: string): Promise<string[]> {
  const id = quoteIdent(column);
  const rows = await db.rows<{ v: string }>(
    `SELECT DISTINCT CAST(${id} AS VARCHAR) AS v FROM ${quoteIdent(table)} WHERE ${id} IS NOT NULL ORDER BY v`,
  );
  return rows.map((r) => r.v);
}

/**
 * Columns as typed arrays in file order: what trainers and metrics consume,
 * without a JS object per row.
 */
export async function readColumns(
  db: Database,
  table: string,
  columns: readonly ColumnInfo[],
  rowCount: number,
): Promise<ColumnData[]> {
  // One turn: the codes index dictionaries read from the same table, not one replaced in between.
  return db.uninterrupted((turn) => readColumnsInTurn(turn, table, columns, rowCount));
}

async function readColumnsInTurn(
  db: Database,
  table: string,
  columns: readonly ColumnInfo[],
  rowCount: number,
): Promise<ColumnData[]> {
  const out: ColumnData[] = [];
  const exprs: string[] = [];
  for (const column of columns) {
    if (column.kind === 'categorical' || column.kind === 'text') {
      const dictionary = await dictionaryOf(db, table, column.name);
      const code =
        dictionary.length === 0
          ? 'CAST(NULL AS INTEGER)'
          : `CAST(enum_code(CAST(CAST(${quoteIdent(column.name)} AS VARCHAR) AS ENUM(${listLiteral(dictionary).slice(1, -1)}))) AS INTEGER)`;
      exprs.push(code);
      out.push({ kind: column.kind, name: column.name, codes: new Int32Array(rowCount), dictionary });
    } else {
      exprs.push(numberSql(column));
      out.push({
        kind: column.kind,
        name: column.name,
        values: new Float64Array(rowCount),
        valid: new Uint8Array(rowCount),
      });
    }
  }
  if (columns.length === 0) return out;
  await db.exclusive(async (connection) => {
    const result = await connection.stream(
      `SELECT ${exprs.join(', ')} FROM ${quoteIdent(table)} ORDER BY rowid`,
    );
    let offset = 0;
    for (
      let chunk = await result.fetchChunk();
      chunk && chunk.rowCount > 0;
      chunk = await result.fetchChunk()
    ) {
      out.forEach((column, c) => {
        const vector = chunk.getColumnVector(c) as DuckDBVector<number>;
        fillFromVector(column, vector, offset, chunk.rowCount);
      });
      offset += chunk.rowCount;
    }
  });
  return out;
}

function fillFromVector(
  column: ColumnData,
  vector: DuckDBVector<number>,
  offset: number,
  count: number,
): void {
  if ('codes' in column) {
    for (let i = 0; i < count; i++) column.codes[offset + i] = vector.getItem(i) ?? -1;
    return;
  }
  for (let i = 0; i < count; i++) {
    const v = vector.getItem(i);
    if (v === null) continue;
    column.values[offset + i] = v;
    column.valid[offset + i] = 1;
  }
}
