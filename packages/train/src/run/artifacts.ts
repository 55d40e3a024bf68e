import { copyFile, link, lstat, mkdir, readdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { ArtifactsConfig } from '@modelgate/core';

/** Under the training output: each command trial's output directory, as trials/<id>/. */
export const TRIALS_DIR = 'trials';
/** Under the training output: the best trial's output directory, beside model.onnx. */
export const TRAINER_DIR = 'trainer';
export const DEFAULT_ARTIFACTS_MAX_MB = 512;

const MB = 1024 * 1024;

/** What trials.json records of the kept trial directories. */
export interface ArtifactsRecord {
  keep: boolean;
  /** The cap on the whole trials/ tree. */
  maxMb: number;
  /** Bytes kept under trials/. */
  bytes: number;
  /** Files the cap left out, with their sizes; paths relative to the training output. */
  leftOut: { trial: number; path: string; bytes: number }[];
}

export interface KeptArtifacts {
  record: ArtifactsRecord;
  /** Trial id -> its directory relative to the training output, for trials with one. */
  dirs: Map<number, string>;
  /** Says the cap left files out; undefined when it did not. */
  warning?: string;
}

interface FoundFile {
  /** Relative to the trial's directory, with '/' separators. */
  path: string;
  full: string;
  bytes: number;
}

/** Regular files under `root`, sorted by path; links and other non-files are not kept. */
async function filesUnder(root: string, dir = root): Promise<FoundFile[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: FoundFile[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(root, full)));
    else if (entry.isFile()) {
      const info = await lstat(full);
      found.push({ path: relative(root, full).split(sep).join('/'), full, bytes: info.size });
    }
  }
  return found;
}

/** A hard link (no copy of a large checkpoint) where the file system allows one, else a copy. */
export async function linkOrCopy(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

export function formatMb(bytes: number): string {
  return `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;
}

/**
 * Keeps command trials' output directories under `outDir`/trials/<id>/, in
 * `order` (the best trial first), while the whole tree stays within
 * train.artifacts.max_mb: a file that would pass the cap is left out and
 * listed, smaller ones after it may still fit. The best trial's kept files are
 * also linked into `outDir`/trainer/. With keep: false nothing is kept.
 */
export async function keepTrialArtifacts(
  outDir: string,
  trials: readonly { id: number; dir: string | undefined }[],
  best: number | undefined,
  config: ArtifactsConfig | undefined,
): Promise<KeptArtifacts> {
  const maxMb = config?.max_mb ?? DEFAULT_ARTIFACTS_MAX_MB;
  const record: ArtifactsRecord = { keep: config?.keep ?? true, maxMb, bytes: 0, leftOut: [] };
  const dirs = new Map<number, string>();
  if (!record.keep) return { record, dirs };
  const cap = maxMb * MB;
  for (const trial of trials) {
    if (trial.dir === undefined) continue;
    const files = await filesUnder(trial.dir);
    if (files.length === 0) continue;
    const kept = `${TRIALS_DIR}/${trial.id}`;
    dirs.set(trial.id, kept);
    await mkdir(join(outDir, kept), { recursive: true });
    for (const file of files) {
      const path = `${kept}/${file.path}`;
      if (record.bytes + file.bytes > cap) {
        record.leftOut.push({ trial: trial.id, path, bytes: file.bytes });
        continue;
      }
      record.bytes += file.bytes;
      await linkOrCopy(file.full, join(outDir, path));
      if (trial.id === best) await linkOrCopy(join(outDir, path), join(outDir, TRAINER_DIR, file.path));
    }
  }
  if (record.leftOut.length === 0) return { record, dirs };
  const total = record.leftOut.reduce((n, f) => n + f.bytes, 0);
  const shown = record.leftOut.slice(0, 3).map((f) => `${f.path} (${formatMb(f.bytes)})`);
  const more = record.leftOut.length - shown.length;
  const warning = `${record.leftOut.length} trial file${record.leftOut.length === 1 ? '' : 's'} (${formatMb(total)}) left out of ${TRIALS_DIR}/ to stay within train.artifacts.max_mb ${maxMb}: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}; trials.json lists them. Raise max_mb to keep them, or set keep: false.`;
  return { record, dirs, warning };
}
