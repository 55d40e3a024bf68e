import { createHash } from 'node:crypto';
import { lstat, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorMessage, UserError } from '@modelgate/core';
import { loadVerifiedModel, METADATA_FORMAT, type VersionMetadata } from '@modelgate/registry';
import { registryVersionOf } from './registry-path.js';
import { isObject } from './spec.js';

export const MODEL_FILE = 'model.onnx';
/** What `modelgate train` writes beside model.onnx, and what each registry version holds. */
export const METADATA_FILE = 'metadata.json';

/** Where a model came from, for reports: a version of the registry. */
export interface RegistryOrigin {
  /** The reference as given or resolved, e.g. `penguins-species#production`. */
  ref: string;
  name: string;
  version: string;
  /** The stage it was found in, when named by stage. */
  stage: string | null;
}

/** A model's bytes, how messages name it, and the record beside it. */
export interface ModelFile {
  /** A path, or name@version for a registered model. */
  label: string;
  path: string;
  bytes: Uint8Array;
  sha256: string;
  registry: RegistryOrigin | null;
  /**
   * The metadata.json beside the model: a training output's (with `spec`) or
   * a registry version's (with `training.spec`); undefined when there is none.
   */
  metadata: unknown;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const isRegistryMetadata = (metadata: unknown) => isObject(metadata) && metadata.format === METADATA_FORMAT;

/** A link in a registry version could swap in any file after the registry recorded its digest. */
async function refuseLinks(file: string, flag: string): Promise<void> {
  for (const path of [file, join(dirname(file), METADATA_FILE)]) {
    const info = await lstat(path).catch(() => undefined);
    if (info?.isSymbolicLink()) {
      throw new UserError(
        `${flag} ${path}: refusing to load it: a registry version's files must not be symbolic links.`,
      );
    }
  }
}

async function readMetadataBeside(file: string): Promise<unknown> {
  const path = join(dirname(file), METADATA_FILE);
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UserError(`${path}: not valid JSON (${errorMessage(err)}); it describes ${file}.`);
  }
}

/** A registry version's metadata.json records the model's digest: a changed file is refused, whatever the path. */
function verifyRecordedDigest(file: string, bytes: Uint8Array, metadata: unknown): string {
  const sha256 = sha256Hex(bytes);
  if (!isRegistryMetadata(metadata)) return sha256;
  const model = (metadata as Partial<VersionMetadata>).model;
  const recorded = isObject(model) ? model.sha256 : undefined;
  const record = join(dirname(file), METADATA_FILE);
  if (typeof recorded !== 'string') {
    throw new UserError(
      `${file}: refusing to load it: ${record} is a registry version's but records no sha256.`,
    );
  }
  if (recorded !== sha256) {
    throw new UserError(
      `${file}: refusing to load it: sha256 ${sha256} does not match ${record}'s ${recorded}.`,
    );
  }
  return sha256;
}

/**
 * A model file, or a directory holding model.onnx (a training output or a
 * registry version), with the metadata.json beside it. A missing or empty
 * file is a UserError naming the flag. A registry version is checked as its
 * reference would be, whichever path names it: a model that does not match
 * its recorded sha256, or a symbolic link among its files, is refused.
 */
export async function readModelPath(path: string, flag: string): Promise<ModelFile> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UserError(`${flag} ${path}: no such file. Expected an ONNX model file.`);
  const file = info.isDirectory() ? join(path, MODEL_FILE) : path;
  const version = await registryVersionOf(file);
  if (version) {
    const verified = await loadVerifiedModel(version.registry, `${version.name}@${version.version}`);
    return {
      label: file,
      path: file,
      bytes: verified.bytes,
      sha256: verified.metadata.model.sha256,
      registry: null,
      metadata: verified.metadata,
    };
  }
  const bytes = await readFile(file).then(
    (b) => new Uint8Array(b),
    (err: unknown) => {
      throw new UserError(
        info.isDirectory()
          ? `${flag} ${path}: a directory without ${MODEL_FILE}. Expected an ONNX model file or a training output directory.`
          : `${flag} ${file}: cannot read the model: ${errorMessage(err)}`,
      );
    },
  );
  if (bytes.length === 0) throw new UserError(`${flag} ${file}: the model file is empty.`);
  // Only a file named like a training output's or a registry version's has its record beside it.
  const metadata = basename(file) === MODEL_FILE ? await readMetadataBeside(file) : undefined;
  if (isRegistryMetadata(metadata)) await refuseLinks(file, flag);
  const sha256 = verifyRecordedDigest(file, bytes, metadata);
  return { label: file, path: file, bytes, sha256, registry: null, metadata };
}
