import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@modelgate/core';
import { renderCard } from './card.js';
import { ciRunUrl, describeVersion } from './describe.js';
import type { PlannedFile } from './git/install.js';
import { withLfsPaths } from './git/lfs.js';
import type { PushTarget } from './git/push.js';
import { openRepo } from './git/repo.js';
import { type WriteOptions, type WritePlan, writeRegistry } from './git/write.js';
import { registerTag } from './gto.js';
import { digestBytes, type FileDigest } from './hash.js';
import { REGISTRY_FILES, registryPath, versionDir } from './layout.js';
import { readMetadata, stringifyMetadata, type VersionMetadata } from './metadata.js';
import { checkModelName, formatVersion, versionNumber } from './names.js';
import { modelNames, versionNames } from './query.js';
import { checkRegisterTarget } from './register-target.js';
import { DEFAULT_SETTINGS_YAML, loadSettings } from './settings.js';
import { readSource, type SourceArtifacts } from './source.js';

export interface RegisterOptions extends WriteOptions {
  registryDir: string;
  /** The model's name in the registry. */
  name: string;
  /** A training output directory holding model.onnx, or a model file whose sibling files come along. */
  model: string;
  /** The version this one derives from; default: the training metadata's parent, else the previous version. */
  parent?: string;
  /** sha256 of the config that trained it, when the training metadata does not say. */
  configHash?: string;
  /** Write GTO tags whatever registry.yaml says. */
  gtoTags?: boolean;
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
}

export interface RegisterResult {
  name: string;
  version: string;
  /** False when the registry already held this model: the existing version is returned. */
  created: boolean;
  /** True when this register started the registry (wrote its registry.yaml). */
  newRegistry: boolean;
  /** The version directory. */
  path: string;
  sha256: string;
  bytes: number;
  storage: 'git' | 'lfs';
  commit: string | null;
  tags: string[];
  pushed: PushTarget | null;
  attempts: number;
}

type Found = Omit<RegisterResult, 'commit' | 'tags' | 'pushed' | 'attempts'>;

function found(registryDir: string, m: VersionMetadata, created: boolean, newRegistry = false): Found {
  return {
    name: m.name,
    version: m.version,
    created,
    newRegistry,
    path: versionDir(registryDir, m.name, m.version),
    sha256: m.model.sha256,
    bytes: m.model.bytes,
    storage: m.model.storage,
  };
}

/** The same model bytes are the same model: a re-run returns the version that holds them. */
async function findSameModel(registryDir: string, name: string, versions: readonly string[], sha256: string) {
  const all = await Promise.all(versions.map((v) => readMetadata(registryDir, name, v)));
  return all.find((m) => m.model.sha256 === sha256);
}

async function readOptional(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
}

async function checkNoCaseTwin(registryDir: string, name: string): Promise<void> {
  const twin = (await modelNames(registryDir)).find(
    (m) => m !== name && m.toLowerCase() === name.toLowerCase(),
  );
  if (twin) {
    throw new UserError(
      `Model '${name}' differs from the existing '${twin}' only in case; on macOS and Windows they would share a directory. Use '${twin}'.`,
    );
  }
}

function versionFiles(
  source: SourceArtifacts,
  describe: (files: Record<string, FileDigest>) => VersionMetadata,
): { files: { name: string; content: string | Uint8Array }[]; metadata: VersionMetadata } {
  const files: { name: string; content: string | Uint8Array }[] = [];
  const digests: Record<string, FileDigest> = {};
  const add = (name: string, content: string) => {
    files.push({ name, content });
    digests[name] = digestBytes(content);
  };
  if (source.evaluation) add(REGISTRY_FILES.evaluation, source.evaluation.text);
  if (source.referenceProfile) add(REGISTRY_FILES.referenceProfile, source.referenceProfile.text);
  // The card shows the other files' digests; metadata then records the card's own.
  add(REGISTRY_FILES.card, renderCard(describe({ ...digests })));
  const metadata = describe(digests);
  files.push({ name: REGISTRY_FILES.metadata, content: stringifyMetadata(metadata) });
  files.push({ name: REGISTRY_FILES.model, content: source.modelBytes });
  return { files, metadata };
}

/**
 * Adds a version from a training output: model.onnx and the files beside it,
 * a metadata.json and a model card, in one commit. Registering bytes the
 * model already has returns that version and changes nothing.
 */
export async function registerVersion(options: RegisterOptions): Promise<RegisterResult> {
  const name = checkModelName(options.name);
  if (options.parent !== undefined) versionNumber(options.parent);
  const source = await readSource(options.model);
  const repo = await openRepo(options.registryDir);
  await checkRegisterTarget(repo, `--registry ${options.registryDir}`);
  const { registryDir } = repo;
  // The commit checked out when register started: the code the model came from.
  let codeCommit: string | null = null;
  const now = options.now ?? (() => new Date());
  const planner = async (
    attempt: number,
    head: string | null,
  ): Promise<WritePlan<Found> | { unchanged: Found }> => {
    if (attempt === 1) codeCommit = head;
    const { settings, exists } = await loadSettings(registryDir);
    await checkNoCaseTwin(registryDir, name);
    const versions = await versionNames(registryDir, name);
    const same = await findSameModel(registryDir, name, versions, source.model.sha256);
    if (same) return { unchanged: found(registryDir, same, false) };
    const parent = options.parent ? formatVersion(versionNumber(options.parent)) : null;
    if (parent && !versions.includes(parent)) {
      throw new UserError(`--parent ${parent}: ${name} has no such version.`);
    }
    const version = formatVersion(versions.length > 0 ? versionNumber(versions.at(-1) as string) + 1 : 1);
    const storage = source.model.bytes > settings.lfsThresholdBytes ? 'lfs' : 'git';
    const createdAt = now().toISOString();
    const { files, metadata } = versionFiles(source, (digests) =>
      describeVersion(source, {
        name,
        version,
        createdAt,
        storage,
        parent,
        previous: versions.at(-1) ?? null,
        codeCommit,
        configHash: options.configHash ?? null,
        ciRun: ciRunUrl(options.env),
        files: digests,
      }),
    );
    const modelPath = registryPath.versionFile(name, version, REGISTRY_FILES.model);
    const planned: PlannedFile[] = files.map((f) => ({
      path: registryPath.versionFile(name, version, f.name),
      content: f.content,
    }));
    if (!exists) planned.push({ path: REGISTRY_FILES.settings, content: DEFAULT_SETTINGS_YAML });
    const attributes = await readOptional(join(registryDir, REGISTRY_FILES.attributes));
    const nextAttributes = withLfsPaths(attributes, storage === 'lfs' ? [modelPath] : []);
    if (nextAttributes !== attributes)
      planned.push({ path: REGISTRY_FILES.attributes, content: nextAttributes });
    const plan: WritePlan<Found> = {
      message: `registry: register ${name} ${version}\n\n${REGISTRY_FILES.model} sha256 ${metadata.model.sha256} (${metadata.model.bytes} bytes)${metadata.parent ? `\nparent ${metadata.parent}` : ''}`,
      files: planned,
      tags: (options.gtoTags ?? settings.gtoTags) ? [registerTag(name, version)] : [],
      result: found(registryDir, metadata, true, !exists),
    };
    if (storage === 'lfs') {
      plan.lfs = `${options.model}: the model is ${metadata.model.bytes} bytes, above lfs_threshold_mb`;
    }
    return plan;
  };
  const outcome = await writeRegistry(repo, planner, options);
  return {
    ...outcome.result,
    commit: outcome.commit,
    tags: outcome.tags,
    pushed: outcome.pushed,
    attempts: outcome.attempts,
  };
}
