import { extname } from 'node:path';
import { UserError, usableCores } from '@modelgate/core';
import { OUTPUT_FORMATS, type OutputFormat } from './types.js';

export const DEFAULT_CHUNK_ROWS = 65_536;

/**
 * On two cores onnxruntime's own intra-op threads already use both, and a
 * worker only adds contention with DuckDB (bench:predict: 0.81 of the limit
 * inline vs 0.4-0.6 with workers); on more cores, one core stays with DuckDB.
 */
export function defaultWorkers(cores = usableCores()): number {
  // Measured on 2 cores (bench:predict): 2 workers 1.38x the single-session limit, 1 worker 1.19x,
  // the main thread alone 0.88x; above two cores one is left to DuckDB's reading and writing.
  return cores > 2 ? cores - 1 : cores;
}

const EXTENSIONS: Record<string, OutputFormat> = {
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

export function outputFormatOf(
  path: string,
  explicit: OutputFormat | undefined,
  flag = '--output',
): OutputFormat {
  if (explicit) return explicit;
  const ext = extname(path).toLowerCase();
  const format = EXTENSIONS[ext];
  if (!format) {
    throw new UserError(
      `${flag} ${path}: unknown output extension '${ext || '(none)'}'. Expected ${Object.keys(EXTENSIONS).join(', ')} (${OUTPUT_FORMATS.join(', ')}).`,
    );
  }
  return format;
}

export function checkCount(value: number, flag: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new UserError(`${flag} ${value}: expected a whole number of at least ${min}.`);
  }
  return value;
}

/** `out/scores.parquet` -> `out/scores.rejects.parquet`. */
export function defaultRejectPath(output: string): string {
  const ext = extname(output);
  return `${output.slice(0, output.length - ext.length)}.rejects${ext}`;
}
