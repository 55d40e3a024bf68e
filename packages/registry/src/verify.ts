import { lstat, open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, UserError } from '@modelgate/core';
import { lfsTrackedPaths, parseLfsPointer } from './git/lfs.js';
import { digestBytes, digestFile } from './hash.js';
import { REGISTRY_FILES, registryPath, STAGING_PREFIX, versionDir } from './layout.js';
import { readMetadata, type VersionMetadata } from './metadata.js';
import { readDeprecated, readStages } from './model-files.js';
import { checkModelName, isVersion, type ModelRef } from './names.js';
import { checkModelExists, modelNames, showVersion, versionNames } from './query.js';
import { loadSettings, type RegistrySettings } from './settings.js';

export interface Problem {
  level: 'error' | 'warning';
  /** Relative to the registry directory. */
  path: string;
  message: string;
}

async function head(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

type FileCheck = { ok: true } | { ok: false; pointer: boolean; message: string };

/** Compares a file with its recorded digest; an un-fetched LFS pointer is told apart from tampering. */
async function checkFile(path: string, expected: { sha256: string; bytes: number }): Promise<FileCheck> {
  let actual: { sha256: string; bytes: number };
  try {
    actual = await digestFile(path);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, pointer: false, message: missing ? 'missing' : `unreadable: ${errorMessage(err)}` };
  }
  if (actual.sha256 === expected.sha256) return { ok: true };
  const pointer = parseLfsPointer(await head(path, 1025));
  if (pointer) {
    return pointer.sha256 === expected.sha256 && pointer.bytes === expected.bytes
      ? {
          ok: false,
          pointer: true,
          message: 'is a Git LFS pointer; the content was not fetched (run git lfs pull)',
        }
      : {
          ok: false,
          pointer: false,
          message: `is a Git LFS pointer to other content (sha256 ${pointer.sha256})`,
        };
  }
  return {
    ok: false,
    pointer: false,
    message: `sha256 ${actual.sha256} (${actual.bytes} bytes) does not match metadata.json's ${expected.sha256} (${expected.bytes} bytes)`,
  };
}

/** A link could swap in any file after the registry recorded its digest. */
async function refuseLink(path: string, refuse: (why: string) => Error): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (info?.isSymbolicLink()) throw refuse('it is a symbolic link');
}

export interface VerifiedModel {
  name: string;
  version: string;
  /** Absolute path of model.onnx. */
  path: string;
  metadata: VersionMetadata;
}

/** Checks model.onnx against metadata.json before anyone loads it; a mismatch is a UserError. */
export async function verifyModelFile(
  registryDir: string,
  name: string,
  version: string,
): Promise<VerifiedModel> {
  const metadata = await readMetadata(registryDir, name, version);
  const path = join(versionDir(registryDir, name, version), REGISTRY_FILES.model);
  const refuse = (why: string) => new UserError(`${path}: refusing to load ${name} ${version}: ${why}.`);
  await refuseLink(path, refuse);
  const check = await checkFile(path, metadata.model);
  if (!check.ok) throw refuse(`the model ${check.message}`);
  return { name, version, path, metadata };
}

/**
 * The model's bytes, only after their sha256 matched metadata.json: the one
 * way serve, predict, evaluate and deploy should read a registered model.
 */
export async function loadVerifiedModel(
  registryDir: string,
  ref: string | ModelRef,
): Promise<VerifiedModel & { bytes: Uint8Array }> {
  const { name, version, metadata, path } = await showVersion(registryDir, ref);
  const file = join(path, REGISTRY_FILES.model);
  const refuse = (why: string) => new UserError(`${file}: refusing to load ${name} ${version}: ${why}.`);
  await refuseLink(file, refuse);
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw refuse(err.code === 'ENOENT' ? 'the file is missing' : err.message);
  });
  const { sha256 } = digestBytes(bytes);
  if (sha256 !== metadata.model.sha256) {
    throw refuse(
      parseLfsPointer(bytes)
        ? 'it is a Git LFS pointer; run git lfs pull'
        : `sha256 ${sha256} does not match metadata.json's ${metadata.model.sha256}`,
    );
  }
  return { name, version, path: file, metadata, bytes };
}

export interface VerifyReport {
  models: number;
  versions: number;
  /** Files whose sha256 was checked. */
  files: number;
  problems: Problem[];
}

async function attempt(problems: Problem[], path: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    problems.push({ level: 'error', path, message: errorMessage(err) });
  }
}

async function verifyVersion(
  registryDir: string,
  name: string,
  version: string,
  versions: readonly string[],
  lfsPaths: ReadonlySet<string>,
  report: VerifyReport,
): Promise<void> {
  const dir = registryPath.version(name, version);
  const problem = (level: Problem['level'], file: string, message: string) =>
    report.problems.push({ level, path: `${dir}/${file}`, message });
  let metadata: VersionMetadata;
  try {
    metadata = await readMetadata(registryDir, name, version);
  } catch (err) {
    problem('error', REGISTRY_FILES.metadata, errorMessage(err));
    return;
  }
  if (metadata.name !== name || metadata.version !== version) {
    problem('error', REGISTRY_FILES.metadata, `says ${metadata.name} ${metadata.version}; it sits in ${dir}`);
  }
  if (metadata.parent && !versions.includes(metadata.parent)) {
    problem('error', REGISTRY_FILES.metadata, `parent ${metadata.parent} does not exist`);
  }
  const expected = new Set<string>([
    REGISTRY_FILES.metadata,
    REGISTRY_FILES.model,
    ...Object.keys(metadata.files),
  ]);
  const checks: [string, { sha256: string; bytes: number }][] = [
    [REGISTRY_FILES.model, metadata.model],
    ...Object.entries(metadata.files),
  ];
  for (const [file, digest] of checks) {
    report.files++;
    const check = await checkFile(join(registryDir, dir, file), digest);
    if (!check.ok) problem(check.pointer ? 'warning' : 'error', file, check.message);
  }
  const modelPath = `${dir}/${REGISTRY_FILES.model}`;
  if (metadata.model.storage === 'lfs' && !lfsPaths.has(modelPath)) {
    problem(
      'warning',
      REGISTRY_FILES.model,
      `stored with Git LFS but not listed in ${REGISTRY_FILES.attributes}`,
    );
  }
  for (const entry of await readdir(join(registryDir, dir), { withFileTypes: true })) {
    if (entry.isSymbolicLink()) problem('error', entry.name, 'is a symbolic link');
    else if (!expected.has(entry.name)) problem('warning', entry.name, 'is not recorded in metadata.json');
  }
}

async function verifyModel(
  registryDir: string,
  settings: RegistrySettings,
  name: string,
  lfsPaths: ReadonlySet<string>,
  report: VerifyReport,
): Promise<void> {
  report.models++;
  const versions = await versionNames(registryDir, name);
  const versionsDir = registryPath.versions(name);
  for (const entry of await readdir(join(registryDir, versionsDir), { withFileTypes: true }).catch(
    () => [],
  )) {
    if (entry.isSymbolicLink()) {
      report.problems.push({
        level: 'error',
        path: `${versionsDir}/${entry.name}`,
        message: 'is a symbolic link',
      });
    } else if (!entry.isDirectory() || !isVersion(entry.name)) {
      report.problems.push({
        level: 'warning',
        path: `${versionsDir}/${entry.name}`,
        message: 'is not a version (v1, v2, …)',
      });
    }
  }
  await attempt(report.problems, registryPath.stages(name), async () => {
    const stages = await readStages(registryDir, name);
    const deprecated = await readDeprecated(registryDir, name);
    for (const [stage, version] of Object.entries(stages)) {
      const path = registryPath.stages(name);
      if (!settings.stages.includes(stage)) {
        report.problems.push({ level: 'warning', path, message: `stage '${stage}' is not in registry.yaml` });
      }
      if (!versions.includes(version)) {
        report.problems.push({
          level: 'error',
          path,
          message: `${stage} points to ${version}, which does not exist`,
        });
      } else if (deprecated[version]) {
        report.problems.push({
          level: 'warning',
          path,
          message: `${stage} serves ${version}, which is archived`,
        });
      }
    }
    for (const version of Object.keys(deprecated)) {
      if (!versions.includes(version)) {
        report.problems.push({
          level: 'error',
          path: registryPath.deprecated(name),
          message: `archives ${version}, which does not exist`,
        });
      }
    }
  });
  for (const version of versions) {
    report.versions++;
    await verifyVersion(registryDir, name, version, versions, lfsPaths, report);
  }
}

/** Every recorded sha256, every file present, every reference (stages, archive, parents) valid. */
export async function verifyRegistry(
  registryDir: string,
  options: { model?: string } = {},
): Promise<VerifyReport> {
  const report: VerifyReport = { models: 0, versions: 0, files: 0, problems: [] };
  let settings: RegistrySettings | undefined;
  await attempt(report.problems, REGISTRY_FILES.settings, async () => {
    settings = (await loadSettings(registryDir)).settings;
  });
  if (!settings) return report;
  const attributes = await readFile(join(registryDir, REGISTRY_FILES.attributes), 'utf8').catch(() => '');
  const lfsPaths = new Set(lfsTrackedPaths(attributes));
  if (options.model) {
    await checkModelExists(registryDir, checkModelName(options.model));
  } else {
    const known = new Set([REGISTRY_FILES.settings, REGISTRY_FILES.attributes]);
    const models = new Set(await modelNames(registryDir));
    for (const entry of await readdir(registryDir, { withFileTypes: true }).catch(() => [])) {
      if (entry.isSymbolicLink()) {
        report.problems.push({ level: 'error', path: entry.name, message: 'is a symbolic link' });
      } else if (entry.name.startsWith(STAGING_PREFIX)) {
        report.problems.push({
          level: 'warning',
          path: entry.name,
          message: 'is left over from an interrupted write; delete it',
        });
      } else if (!known.has(entry.name as never) && !models.has(entry.name)) {
        report.problems.push({
          level: 'warning',
          path: entry.name,
          message: 'is not part of the registry layout',
        });
      }
    }
  }
  const names = options.model ? [options.model] : await modelNames(registryDir);
  for (const name of names) await verifyModel(registryDir, settings, name, lfsPaths, report);
  return report;
}
