import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  type DatasetFingerprint,
  fingerprintFiles,
  isFile,
  parseJson,
  resolveFiles,
  withDatabase,
} from '@modelgate/core';
import { OUTPUT_FILES } from '@modelgate/train';
import { dataSpec } from '../data-source.js';
import { findConfig } from '../project.js';

/** What a training run's outputs depend on: the same parts give the same model bytes. */
export interface TrainKeyParts {
  data: DatasetFingerprint;
  /** sha256 of the config file's bytes. */
  configSha256: string;
  toolkitVersion: string;
  /** Inputs that change what is trained beyond data and config (e.g. the data format). */
  options: Record<string, string>;
}

export const TRAIN_CACHE_PREFIX = 'modelgate-train-';

/** The cache key: a prefix and the sha256 of the parts, with file paths left out (checkouts move). */
export function trainCacheKey(parts: TrainKeyParts): string {
  const canonical = JSON.stringify({
    data: { sha256: parts.data.sha256, files: parts.data.files.map((f) => [f.bytes, f.sha256]) },
    config: parts.configSha256,
    version: parts.toolkitVersion,
    options: Object.entries(parts.options).sort(([a], [b]) => a.localeCompare(b)),
  });
  return TRAIN_CACHE_PREFIX + createHash('sha256').update(canonical).digest('hex');
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort((a, b) => relative(dir, a).localeCompare(relative(dir, b)));
}

export interface TrainSource {
  config?: string;
  data?: string;
  format?: string;
  splits?: string;
}

/** The key parts of a `modelgate train` with these flags, run in the current directory. */
export async function trainKeyParts(source: TrainSource, toolkitVersion: string): Promise<TrainKeyParts> {
  const found = await findConfig(source.config);
  const files = source.splits
    ? await filesUnder(source.splits)
    : await withDatabase((db) => resolveFiles(db, dataSpec(source, found).path));
  const configBytes = found ? await readFile(found.file) : Buffer.alloc(0);
  return {
    data: await fingerprintFiles(files, { rows: 0, columns: 0 }),
    configSha256: createHash('sha256').update(configBytes).digest('hex'),
    toolkitVersion,
    options: { format: source.format ?? '', source: source.splits ? 'splits' : 'data' },
  };
}

async function sha256File(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/**
 * Checks a restored training output before anything uses it: every output file
 * is there and model.onnx has the sha256 and size metadata.json records.
 * Returns what is wrong, or undefined when the outputs can be trusted.
 */
export async function verifyTrainOutputs(dir: string): Promise<string | undefined> {
  for (const file of OUTPUT_FILES) {
    if (!(await isFile(join(dir, file)))) return `${file} is missing`;
  }
  let recorded: { sha256?: unknown; bytes?: unknown } | undefined;
  try {
    const metadata = parseJson(await readFile(join(dir, 'metadata.json'), 'utf8'), 'metadata.json');
    recorded = (metadata as { onnx?: { sha256?: unknown; bytes?: unknown } }).onnx;
  } catch {
    return 'metadata.json is not valid JSON';
  }
  if (typeof recorded?.sha256 !== 'string') return 'metadata.json records no onnx.sha256';
  const model = join(dir, 'model.onnx');
  const actual = await sha256File(model);
  if (actual !== recorded.sha256)
    return `model.onnx has sha256 ${actual}, metadata.json records ${recorded.sha256}`;
  if (recorded.bytes !== undefined && recorded.bytes !== (await stat(model)).size)
    return `model.onnx has ${(await stat(model)).size} bytes, metadata.json records ${String(recorded.bytes)}`;
  return undefined;
}

/** The cache service, passed in so tests can stand in for GitHub's. */
export interface CacheService {
  /** Why the service cannot be used here, or undefined when it can. */
  unavailable(): string | undefined;
  restore(paths: string[], key: string): Promise<string | undefined>;
  save(paths: string[], key: string): Promise<void>;
}

export type RestoreResult = { hit: true; key: string } | { hit: false; reason: string; key?: string };

/**
 * Restores the outputs of an identical earlier run into `out` and verifies them;
 * a restore that fails verification is deleted, so training starts clean.
 */
export async function restoreTrainOutputs(
  service: CacheService,
  out: string,
  key: string,
): Promise<RestoreResult> {
  const unavailable = service.unavailable();
  if (unavailable) return { hit: false, reason: unavailable };
  let restored: string | undefined;
  try {
    restored = await service.restore([out], key);
  } catch (err) {
    return { hit: false, reason: `restore failed: ${err instanceof Error ? err.message : String(err)}`, key };
  }
  if (restored !== key) return { hit: false, reason: 'no cached run with this key', key };
  const problem = await verifyTrainOutputs(out);
  if (problem) {
    await rm(out, { recursive: true, force: true });
    return { hit: false, reason: `the restored outputs failed verification (${problem}); training`, key };
  }
  return { hit: true, key };
}
