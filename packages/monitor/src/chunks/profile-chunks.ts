import {
  type Database,
  type DataProfile,
  type Dataset,
  EXACT_DISTINCT_MAX_ROWS,
  type ProgressListener,
  profileDataset,
  quoteIdent,
} from '@modelgate/core';
import type { AlignedColumn } from './align.js';
import type { PlannedChunk } from './plan.js';

const CHUNK_VIEW = '__modelgate_chunk';

/**
 * profileDataset counts distinct values exactly (count(DISTINCT), ~2 ms a
 * column however small the chunk) up to EXACT_DISTINCT_MAX_ROWS rows; its row
 * count decides nothing else. Drift never reads those counts: numbers get
 * theirs exactly from grouping by value, categories from their counts. So
 * chunks are profiled as large, which halves the time of small ones.
 */
const CHEAP_DISTINCT_ROWS = EXACT_DISTINCT_MAX_ROWS + 1;

/** The SELECT list giving the aligned columns their names. */
export function alignedSelect(columns: readonly AlignedColumn[]): string {
  return columns.map((c) => `${c.sql} AS ${quoteIdent(c.info.name)}`).join(', ');
}

/**
 * One profile per chunk, each from a view over the loaded table: the same
 * profiles `modelgate profile` writes, so a window merges from them exactly.
 */
export async function profileChunks(
  db: Database,
  dataset: Dataset,
  columns: readonly AlignedColumn[],
  chunks: readonly PlannedChunk[],
  options: { exactValues?: number | undefined; onProgress?: ProgressListener | undefined } = {},
): Promise<DataProfile[]> {
  const { exactValues, onProgress } = options;
  const profiles: DataProfile[] = [];
  const select = columns.length > 0 ? alignedSelect(columns) : '1 AS __none';
  const view: Dataset = { ...dataset, table: CHUNK_VIEW, columns: columns.map((c) => c.info) };
  try {
    for (const chunk of chunks) {
      await db.run(
        `CREATE OR REPLACE TEMP VIEW ${quoteIdent(CHUNK_VIEW)} AS SELECT ${select} FROM ${quoteIdent(dataset.table)} WHERE ${chunk.where}`,
      );
      profiles.push(
        await profileDataset(
          db,
          { ...view, rowCount: Math.max(chunk.rows, CHEAP_DISTINCT_ROWS) },
          exactValues !== undefined ? { exactValues } : {},
        ),
      );
      onProgress?.(profiles.length / chunks.length);
    }
  } finally {
    await db.run(`DROP VIEW IF EXISTS ${quoteIdent(CHUNK_VIEW)}`);
  }
  return profiles;
}
