export { assignSplits, type SplitInput } from './assign.js';
export { SPLIT_MANIFEST_FILE, type SplitManifest, type SplitReport } from './manifest.js';
export {
  checkSplitSettings,
  parseSplitStrategy,
  SPLIT_CODE,
  SPLIT_NAMES,
  type SplitName,
  type SplitSettings,
  type SplitStrategy,
} from './policy.js';
export { type SplitDatasetOptions, splitDataset } from './split-dataset.js';
export type { SplitStats, SplitTargetSummary } from './summary.js';
export { type WrittenSplit, writeSplits } from './write.js';
