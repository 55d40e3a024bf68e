import { join } from 'node:path';
import { DuckDBDataChunk, UTINYINT } from '@duckdb/node-api';
import type { Database } from '../data/database.js';
import { fingerprintFiles } from '../data/fingerprint.js';
import type { Dataset } from '../data/load.js';
import { quoteIdent, quoteLiteral, toNumber } from '../data/sql.js';
import { bySplit, SPLIT_NAMES, type SplitName } from './policy.js';

export interface WrittenSplit {
  /** File name inside the output directory. */
  file: string;
  rows: number;
  sha256: string;
  bytes: number;
}

/** DuckDB's vector size: the most rows one data chunk holds. */
const CHUNK_ROWS = 2048;

async function storeAssignment(db: Database, table: string, assignment: Uint8Array): Promise<void> {
  await db.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} (split UTINYINT)`);
  await db.append(table, (appender) => {
    const chunk = DuckDBDataChunk.create([UTINYINT], CHUNK_ROWS);
    for (let offset = 0; offset < assignment.length; offset += CHUNK_ROWS) {
      const part = assignment.subarray(offset, offset + CHUNK_ROWS);
      chunk.rowCount = part.length;
      chunk.setColumnValues(0, Array.from(part));
      appender.appendDataChunk(chunk);
    }
  });
}

/**
 * Writes `<split>.parquet` for every split into `dir`: the data set's own
 * columns, rows in file order. Returns each file's rows and sha256.
 */
export async function writeSplits(
  db: Database,
  dataset: Dataset,
  assignment: Uint8Array,
  dir: string,
  onProgress?: (fraction: number, detail: string) => void,
): Promise<Record<SplitName, WrittenSplit>> {
  if (assignment.length !== dataset.rowCount) {
    throw new Error(`writeSplits: ${assignment.length} assignments for ${dataset.rowCount} rows`);
  }
  // One turn: the thread setting changed and restored below, and the assignment table, are no
  // other caller's to see or change in between. The lent Database shadows the caller's on purpose.
  return db.uninterrupted(async (db) => {
    const rows = SPLIT_NAMES.map(() => 0);
    for (const split of assignment) rows[split] = (rows[split] ?? 0) + 1;
    const assignmentTable = `${dataset.table}__split`;
    await storeAssignment(db, assignmentTable, assignment);
    const columns = dataset.columns.map((c) => `d.${quoteIdent(c.name)}`).join(', ');
    // Byte-identical files need identical row groups. The parallel batch writer
    // gave identical bytes with 1, 2 and 8 threads on DuckDB 1.5 (flights-3m),
    // but that is not a documented guarantee; one thread for the COPY is cheap
    // (it is bound by encoding, not scanning) and settles the question.
    const { threads } = await db.first<{ threads: unknown }>(`SELECT current_setting('threads') AS threads`);
    await db.run('SET threads = 1');
    const written: WrittenSplit[] = [];
    try {
      let done = 0;
      for (const [code, name] of SPLIT_NAMES.entries()) {
        const file = `${name}.parquet`;
        const path = join(dir, file);
        const count = rows[code] ?? 0;
        const share = count / Math.max(1, assignment.length);
        onProgress?.(done, `writing ${file}`);
        // POSITIONAL JOIN pairs the n-th row of each table: the assignment was appended in rowid order.
        await db.run(
          `COPY (SELECT ${columns} FROM ${quoteIdent(dataset.table)} AS d POSITIONAL JOIN ${quoteIdent(assignmentTable)} AS a WHERE a.split = ${code}) TO ${quoteLiteral(path)} (FORMAT parquet)`,
          (f) => onProgress?.(done + f * share, `writing ${file}`),
        );
        done += share;
        const fingerprint = await fingerprintFiles([path], { rows: count, columns: dataset.columns.length });
        written.push({
          file,
          rows: count,
          sha256: fingerprint.sha256,
          bytes: fingerprint.files[0]?.bytes ?? 0,
        });
      }
    } finally {
      await db.run(`SET threads = ${toNumber(threads) ?? 1}`);
      await db.run(`DROP TABLE IF EXISTS ${quoteIdent(assignmentTable)}`);
    }
    onProgress?.(1, 'done');
    return bySplit(written);
  });
}
