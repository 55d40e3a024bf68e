export type { ScoringChunk } from './chunk.js';
export { numberFromText } from './number-text.js';
export { DEFAULT_CHUNK_ROWS, defaultRejectPath, defaultWorkers, outputFormatOf } from './options.js';
export { predictBatch } from './predict-batch.js';
export {
  type BatchModel,
  type BatchOptions,
  type BatchProgress,
  type BatchResult,
  ON_ERROR,
  type OnError,
  OUTPUT_FORMATS,
  type OutputFormat,
  REASON_COLUMN,
  type RejectedRow,
  ROW_COLUMN,
} from './types.js';
