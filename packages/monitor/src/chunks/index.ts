export { type AlignedColumn, alignColumns, describeKindChange, type KindChange } from './align.js';
export type { Chunk } from './chunk.js';
export { type ChunkPlan, type PlannedChunk, planChunks } from './plan.js';
export { alignedSelect, profileChunks } from './profile-chunks.js';
export {
  chunkProfileFiles,
  isDirectory,
  type ProfileChunks,
  type ProfileFile,
  readProfileDir,
} from './profile-dir.js';
export {
  type ChunkSpec,
  formatChunkSpec,
  MAX_CHUNKS,
  parseChunkSpec,
  TIME_UNITS,
  type TimeUnit,
} from './spec.js';
export { periodEnd, periodLabel, truncateMs } from './time.js';
