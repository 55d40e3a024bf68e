import { randomBytes } from 'node:crypto';
import { copyFile, lstat, mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { UserError } from '@modelgate/core';
import { STAGING_PREFIX } from '../layout.js';

/** A file a write puts into the registry: its path relative to the registry, and its bytes or a file to copy. */
export interface PlannedFile {
  path: string;
  content: string | Uint8Array | { copyFrom: string };
}

/** What an install changed, so that it can be undone exactly. */
export interface Installed {
  /** Files and directories that did not exist before, deepest last. */
  created: string[];
  replaced: { path: string; original: Buffer }[];
  /** True when the registry directory itself was made by this install. */
  createdRegistry: boolean;
}

/** Refuses anything that could land outside the registry. */
export function checkRelative(registryDir: string, path: string): string {
  const target = resolve(registryDir, path);
  if (isAbsolute(path) || path.includes('\\') || path.split('/').some((p) => p === '..' || p === '')) {
    throw new Error(`refusing to write '${path}': not a plain path inside the registry`);
  }
  if (!target.startsWith(registryDir + sep))
    throw new Error(`refusing to write '${path}' outside the registry`);
  return target;
}

async function kind(path: string): Promise<'file' | 'dir' | 'missing'> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) return 'missing';
  if (info.isSymbolicLink()) {
    throw new UserError(`${path}: is a symbolic link; the registry refuses to write through links.`);
  }
  return info.isDirectory() ? 'dir' : 'file';
}

/**
 * Moves the staged tree into place: a directory that does not exist yet
 * (a new version) arrives in one rename, so nobody sees half of it.
 */
async function merge(staged: string, target: string, done: Installed): Promise<void> {
  for (const entry of await readdir(staged, { withFileTypes: true })) {
    const from = join(staged, entry.name);
    const to = join(target, entry.name);
    const existing = await kind(to);
    if (existing === 'missing') {
      await rename(from, to);
      done.created.push(to);
    } else if (entry.isDirectory() && existing === 'dir') {
      await merge(from, to, done);
    } else if (entry.isFile() && existing === 'file') {
      const original = await readFile(to);
      await rename(from, to);
      done.replaced.push({ path: to, original });
    } else {
      throw new UserError(`${to}: expected a ${entry.isDirectory() ? 'directory' : 'file'}.`);
    }
  }
}

/** Writes `files` into the registry through a scratch directory inside it. */
export async function installFiles(registryDir: string, files: readonly PlannedFile[]): Promise<Installed> {
  const done: Installed = { created: [], replaced: [], createdRegistry: false };
  const registryKind = await kind(registryDir);
  if (registryKind === 'file')
    throw new UserError(`${registryDir}: is a file. Expected the registry directory.`);
  if (registryKind === 'missing') {
    await mkdir(registryDir, { recursive: true });
    done.createdRegistry = true;
  }
  const staging = join(registryDir, `${STAGING_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    for (const file of files) {
      checkRelative(registryDir, file.path);
      const path = join(staging, ...file.path.split('/'));
      await mkdir(dirname(path), { recursive: true });
      const { content } = file;
      if (typeof content === 'object' && 'copyFrom' in content) await copyFile(content.copyFrom, path);
      else await writeFile(path, content);
    }
    await merge(staging, registryDir, done);
    return done;
  } catch (err) {
    await undoInstall(registryDir, done);
    throw err;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Puts the registry back as it was before `installFiles`. */
export async function undoInstall(registryDir: string, done: Installed): Promise<void> {
  for (const path of [...done.created].reverse()) await rm(path, { recursive: true, force: true });
  for (const { path, original } of done.replaced) await writeFile(path, original);
  if (done.createdRegistry) await rmdir(registryDir).catch(() => undefined);
}
