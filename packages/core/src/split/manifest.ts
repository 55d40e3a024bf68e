import type { Task } from '../config/schema.js';
import type { DatasetFingerprint } from '../data/fingerprint.js';
import type { SplitName, SplitSettings } from './policy.js';
import type { SplitStats } from './summary.js';

export const SPLIT_MANIFEST_FILE = 'splits.json';

export interface SplitReport extends SplitStats {
  /** The Parquet file, relative to the manifest. */
  file: string;
  /** sha256 and size of the written file: `sha256sum train.parquet` gives the same digest. */
  fingerprint: { sha256: string; bytes: number };
}

/**
 * `splits.json`: what was split, how, and what came out. It holds no clock
 * time and no output path, so the same inputs give the same bytes.
 */
export interface SplitManifest {
  /** Layout version of this file. */
  version: 1;
  source: DatasetFingerprint;
  target: string;
  task: Task;
  policy: SplitSettings;
  splits: Record<SplitName, SplitReport>;
}
