import type { DataFormat } from '@modelgate/core';
import type { ColumnsSpec } from '../columns.js';
import type { ExecutionProvider } from '../device/device.js';

export const OUTPUT_FORMATS = ['parquet', 'csv', 'jsonl'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const ON_ERROR = ['reject', 'fail'] as const;
export type OnError = (typeof ON_ERROR)[number];

/** The 1-based input row number, the first output column. */
export const ROW_COLUMN = 'row';
/** Why a row was rejected, the last column of the reject file. */
export const REASON_COLUMN = 'reason';

export interface BatchModel {
  bytes: Uint8Array;
  /** How messages name the model: a path or name@version. */
  label: string;
  spec: ColumnsSpec;
}

export interface BatchProgress {
  rows: number;
  rejected: number;
  /** Input rows when known up front (Parquet): what an ETA needs. */
  total: number | undefined;
  seconds: number;
}

export interface BatchOptions {
  model: BatchModel;
  input: { path: string; format?: DataFormat | undefined };
  output: string;
  /** Default: from the output's extension. */
  outputFormat?: OutputFormat | undefined;
  /** Input columns copied to the output beside the row number. */
  ids?: readonly string[] | undefined;
  /** Default 'fail'. */
  onError?: OnError | undefined;
  /** Where rejected rows go with onError 'reject' (default: <output>.rejects.<ext>). */
  rejectPath?: string | undefined;
  /** Worker threads scoring chunks; 0 scores on the calling thread (default: cores - 1 above two cores, else 0). */
  workers?: number | undefined;
  /** Rows per scoring chunk (default 65536). */
  chunkRows?: number | undefined;
  /** Write an empty output for input without rows, instead of refusing it. */
  allowEmpty?: boolean | undefined;
  /** Where every session of the run scores (default cpu): resolveDevice's answer. */
  provider?: ExecutionProvider | undefined;
  onProgress?: ((progress: BatchProgress) => void) | undefined;
  /**
   * Replace an output or reject file there at the end (default true). false publishes neither
   * over a file that exists by then, one that appeared during the run included: an OutputAppeared.
   */
  replace?: boolean | undefined;
}

export interface RejectedRow {
  row: number;
  reason: string;
}

export interface BatchResult {
  input: string[];
  output: string;
  format: OutputFormat;
  rows: number;
  scored: number;
  rejected: number;
  /** The file rejected rows went to, when there were any. */
  rejectPath: string | null;
  /** The first rejected rows, for messages (at most 20). */
  firstRejects: RejectedRow[];
  /** Set when onError 'fail' stopped the run: nothing was written. */
  failed: boolean;
  seconds: number;
  rowsPerSecond: number;
  workers: number;
  chunkRows: number;
  provider: ExecutionProvider;
  /** The columns written: row, ids, then the model outputs. */
  columns: string[];
}
