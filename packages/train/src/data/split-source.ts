import { dirname, join } from 'node:path';
import {
  type Database,
  type DataSpec,
  fingerprintFiles,
  loadDataset,
  type ModelgateConfig,
  readJsonFile,
  SPLIT_MANIFEST_FILE,
  SPLIT_NAMES,
  type SplitManifest,
  type SplitName,
  splitDataset,
  UserError,
} from '@modelgate/core';

/** Where the splits come from: a directory `modelgate split` wrote, or data to split first. */
export type SplitSource =
  | { splits: string }
  | {
      data: DataSpec;
      /** Directory that receives the split files (it must outlive the training run). */
      out: string;
      onProgress?: (fraction: number, detail: string) => void;
    };

export interface SplitFiles {
  /** The directory holding splits.json. */
  dir: string;
  manifest: SplitManifest;
  /** Absolute or cwd-relative path of each split's Parquet file. */
  files: Record<SplitName, string>;
}

function isManifest(value: unknown): value is SplitManifest {
  const m = value as Partial<SplitManifest> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    m.version === 1 &&
    typeof m.target === 'string' &&
    typeof m.splits === 'object' &&
    m.splits !== null &&
    SPLIT_NAMES.every((name) => typeof m.splits?.[name]?.file === 'string')
  );
}

/** Reads splits.json and checks every split file is the one it describes (sha256). */
export async function readSplitDirectory(dir: string): Promise<SplitFiles> {
  const path = join(dir, SPLIT_MANIFEST_FILE);
  const manifest = await readJsonFile(path, 'split manifest', "Run 'modelgate split --out <dir>' first.");
  if (!isManifest(manifest)) {
    throw new UserError(
      `${path}: not a modelgate split manifest. Expected version 1 with train, validation and test files.`,
    );
  }
  const files = {} as Record<SplitName, string>;
  for (const name of SPLIT_NAMES) {
    const report = manifest.splits[name];
    const file = join(dirname(path), report.file);
    const found = await fingerprintFiles([file], { rows: report.rows, columns: 0 }).catch(() => {
      throw new UserError(`${file}: no such file, yet ${path} lists it as the ${name} split.`);
    });
    if (report.fingerprint && found.sha256 !== report.fingerprint.sha256) {
      throw new UserError(
        `${file}: changed since the split was made (sha256 ${found.sha256.slice(0, 12)}…, ${path} says ${report.fingerprint.sha256.slice(0, 12)}…). Split again.`,
      );
    }
    files[name] = file;
  }
  return { dir, manifest, files };
}

/** The split files to train from: read from a split directory, or made now from the configured data. */
export async function resolveSplits(
  db: Database,
  config: ModelgateConfig,
  source: SplitSource,
): Promise<SplitFiles> {
  if ('splits' in source) return readSplitDirectory(source.splits);
  const dataset = await loadDataset(db, source.data, { table: 'source_data' });
  await splitDataset(db, dataset, {
    target: config.target,
    policy: config.split,
    task: config.task,
    out: source.out,
    ...(source.onProgress ? { onProgress: source.onProgress } : {}),
  });
  await db.run('DROP TABLE IF EXISTS source_data');
  return readSplitDirectory(source.out);
}
