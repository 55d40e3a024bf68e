import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OutputAppeared, pathExists, UserError } from '@modelgate/core';

type Kind = 'file' | 'directory' | 'missing' | 'under-a-file';

async function kindOf(path: string): Promise<Kind> {
  try {
    return (await stat(path)).isDirectory() ? 'directory' : 'file';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'under-a-file' : 'missing';
  }
}

const UNDER_A_FILE = 'a folder on its path is a file.';

/**
 * Refuses, before any work, an output directory that cannot be one: the write at the end
 * would otherwise fail with an errno after minutes of training.
 */
export async function requireOutDir(flag: string, path: string, contents: string): Promise<void> {
  const kind = await kindOf(path);
  if (kind === 'file') {
    throw new UserError(`${flag} ${path}: is a file. Expected a directory to write ${contents} into.`);
  }
  if (kind === 'under-a-file') {
    throw new UserError(`${flag} ${path}: ${UNDER_A_FILE} Expected a directory to write ${contents} into.`);
  }
}

/** The one flag that lets a command replace an output file the user already has. */
export const FORCE_FLAG = '--force';

/**
 * Refuses, before any work, an output file path that is a directory, and one that
 * already holds a file unless `force`: a user's file is never replaced silently.
 */
export async function requireOutFile(
  flag: string,
  path: string,
  contents: string,
  force = false,
): Promise<void> {
  const kind = await kindOf(path);
  if (kind === 'file' && !force) {
    throw new UserError(
      `${flag} ${path}: already exists. Pass ${FORCE_FLAG} to replace it, or choose another path for ${contents}.`,
    );
  }
  if (kind === 'directory') {
    throw new UserError(`${flag} ${path}: is a directory. Expected a file path to write ${contents} to.`);
  }
  if (kind === 'under-a-file') {
    throw new UserError(`${flag} ${path}: ${UNDER_A_FILE} Expected a file path to write ${contents} to.`);
  }
}

/** Those of `names` that are in `dir`. */
export async function presentIn(dir: string, names: readonly string[]): Promise<string[]> {
  const present: string[] = [];
  for (const name of names) if (await pathExists(join(dir, name))) present.push(name);
  return present;
}

/**
 * requireOutDir for a command that writes a fixed set of names into the directory: one of them
 * there already (an earlier run's output) is refused unless `force`. Other files are never touched.
 */
export async function requireFreshOutDir(
  flag: string,
  path: string,
  contents: string,
  writes: readonly string[],
  force = false,
): Promise<void> {
  await requireOutDir(flag, path, contents);
  if (force) return;
  const existing = await presentIn(path, writes);
  const [first] = existing;
  if (first === undefined) return;
  const more = existing.length > 1 ? ` and ${existing.length - 1} more of the files it would write` : '';
  throw new UserError(
    `${flag} ${path}: already holds ${first}${more}. Pass ${FORCE_FLAG} to replace ${existing.length > 1 ? 'them' : 'it'}, or choose another directory for ${contents}.`,
  );
}

/**
 * Which file is at `path` now (device, inode, size, times), or undefined when none is: equal
 * versions before and after some work mean no one replaced or rewrote it meanwhile.
 */
export async function fileVersion(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path, { bigint: true });
    return s.isFile() ? `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}` : undefined;
  } catch {
    return undefined;
  }
}

/** An output file a command writes: its flag and what it holds, for messages. */
export interface OutFile {
  flag: string;
  path: string;
  contents: string;
}

/**
 * Runs `work`, which publishes `files` without clobbering (requireOutFile checked them before
 * it): one that appeared meanwhile is refused naming its flag, as requireOutFile would.
 */
export async function refuseAppeared<T>(files: readonly OutFile[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const file = err instanceof OutputAppeared && files.find((f) => resolve(f.path) === resolve(err.path));
    if (!file) throw err;
    throw new UserError(
      `${file.flag} ${file.path}: appeared while this command was running; it is left as it is. Pass ${FORCE_FLAG} to replace it, or choose another path for ${file.contents}.`,
    );
  }
}
