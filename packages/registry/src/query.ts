import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@modelgate/core';
import { modelDir, REGISTRY_FILES, versionDir } from './layout.js';
import { readMetadata, type VersionMetadata } from './metadata.js';
import {
  type DeprecatedMap,
  type Deprecation,
  readDeprecated,
  readStages,
  type StageMap,
} from './model-files.js';
import { checkModelName, compareVersions, isVersion, type ModelRef, parseModelRef } from './names.js';
import { loadSettings, type RegistrySettings } from './settings.js';

async function directoryNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

function isModelName(name: string): boolean {
  try {
    checkModelName(name);
    return true;
  } catch {
    return false;
  }
}

/** Model directories; other entries (registry.yaml, .gitattributes, scratch directories) are not models. */
export async function modelNames(registryDir: string): Promise<string[]> {
  return (await directoryNames(registryDir)).filter(isModelName).sort();
}

/** Versions of a model, oldest first, from the directory listing alone. */
export async function versionNames(registryDir: string, name: string): Promise<string[]> {
  return (await directoryNames(join(modelDir(registryDir, name), REGISTRY_FILES.versions)))
    .filter(isVersion)
    .sort(compareVersions);
}

export async function checkModelExists(registryDir: string, name: string): Promise<void> {
  checkModelName(name);
  const info = await lstat(modelDir(registryDir, name)).catch(() => undefined);
  if (info?.isDirectory()) return;
  const known = await modelNames(registryDir);
  throw new UserError(
    `No model '${name}' in ${registryDir}. ${known.length > 0 ? `Models: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}.` : 'The registry is empty: register a model first.'}`,
  );
}

export interface ModelSummary {
  name: string;
  versions: number;
  latest: string | null;
  stages: StageMap;
  archived: number;
}

/** Every model with its stages: one directory listing and two small files per model, no git. */
export async function listModels(
  registryDir: string,
): Promise<{ settings: RegistrySettings; models: ModelSummary[] }> {
  const { settings } = await loadSettings(registryDir);
  const models = await Promise.all(
    (await modelNames(registryDir)).map(async (name): Promise<ModelSummary> => {
      const [versions, stages, deprecated] = await Promise.all([
        versionNames(registryDir, name),
        readStages(registryDir, name),
        readDeprecated(registryDir, name),
      ]);
      return {
        name,
        versions: versions.length,
        latest: versions.at(-1) ?? null,
        stages,
        archived: Object.keys(deprecated).length,
      };
    }),
  );
  return { settings, models };
}

/** A version with where it stands: the stages serving it and whether it is archived. */
export interface VersionState {
  name: string;
  version: string;
  /** Absolute path of the version directory. */
  path: string;
  metadata: VersionMetadata;
  stages: string[];
  archived: Deprecation | null;
}

function stagesOf(stages: StageMap, version: string): string[] {
  return Object.entries(stages)
    .filter(([, v]) => v === version)
    .map(([s]) => s);
}

async function versionState(
  registryDir: string,
  name: string,
  version: string,
  stages: StageMap,
  deprecated: DeprecatedMap,
): Promise<VersionState> {
  return {
    name,
    version,
    path: versionDir(registryDir, name, version),
    metadata: await readMetadata(registryDir, name, version),
    stages: stagesOf(stages, version),
    archived: deprecated[version] ?? null,
  };
}

export async function listVersions(
  registryDir: string,
  name: string,
): Promise<{ settings: RegistrySettings; versions: VersionState[] }> {
  await checkModelExists(registryDir, name);
  const [{ settings }, names, stages, deprecated] = await Promise.all([
    loadSettings(registryDir),
    versionNames(registryDir, name),
    readStages(registryDir, name),
    readDeprecated(registryDir, name),
  ]);
  const versions = await Promise.all(
    names.map((version) => versionState(registryDir, name, version, stages, deprecated)),
  );
  return { settings, versions };
}

/** The version a reference names; an unknown model, version or an empty stage is a UserError. */
export async function resolveRef(
  registryDir: string,
  ref: string | ModelRef,
  known?: { stages?: StageMap; versions?: string[] },
): Promise<{ name: string; version: string }> {
  const parsed = typeof ref === 'string' ? parseModelRef(ref) : ref;
  const { name } = parsed;
  await checkModelExists(registryDir, name);
  if (parsed.kind === 'stage') {
    const stages = known?.stages ?? (await readStages(registryDir, name));
    const version = stages[parsed.stage];
    if (!version) {
      const { settings } = await loadSettings(registryDir);
      throw new UserError(
        settings.stages.includes(parsed.stage)
          ? `${name} has no version in ${parsed.stage} yet. Promote one: modelgate promote ${name} --to ${parsed.stage}.`
          : `Unknown stage '${parsed.stage}'. The registry's stages are ${settings.stages.join(', ')}.`,
      );
    }
    return { name, version };
  }
  const versions = known?.versions ?? (await versionNames(registryDir, name));
  if (parsed.kind === 'latest') {
    const latest = versions.at(-1);
    if (!latest) throw new UserError(`${name} has no versions yet.`);
    return { name, version: latest };
  }
  if (!versions.includes(parsed.version)) {
    throw new UserError(
      `${name} has no version ${parsed.version}. Versions: ${versions.length > 0 ? `${versions[0]} … ${versions.at(-1)}` : 'none'}.`,
    );
  }
  return { name, version: parsed.version };
}

/** One version in full: metadata, stages and archive state. */
export async function showVersion(registryDir: string, ref: string | ModelRef): Promise<VersionState> {
  const parsed = typeof ref === 'string' ? parseModelRef(ref) : ref;
  await checkModelExists(registryDir, parsed.name);
  const [stages, deprecated] = await Promise.all([
    readStages(registryDir, parsed.name),
    readDeprecated(registryDir, parsed.name),
  ]);
  const { name, version } = await resolveRef(registryDir, parsed, { stages });
  return versionState(registryDir, name, version, stages, deprecated);
}
