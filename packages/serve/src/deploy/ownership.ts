import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@modelgate/core';
import { digestFile } from '@modelgate/registry';
import { GENERATED_BY } from './render.js';

/**
 * Lists every file a run wrote with its sha256: an unchanged file is ours to
 * replace, an edited one is not. Not a dotfile: upload-artifact and some
 * copies skip hidden files, and losing it would make every file look foreign.
 */
export const OWNERSHIP_FILE = 'modelgate-deploy.json';

export interface OwnershipRecord {
  generator: typeof GENERATED_BY;
  model: string;
  files: Record<string, string>;
}

export async function readOwnership(out: string): Promise<Record<string, string>> {
  try {
    const record = JSON.parse(await readFile(join(out, OWNERSHIP_FILE), 'utf8')) as Partial<OwnershipRecord>;
    return record.generator === GENERATED_BY && record.files && typeof record.files === 'object'
      ? record.files
      : {};
  } catch {
    return {};
  }
}

async function diskDigest(path: string): Promise<string | undefined> {
  return digestFile(path).then(
    (d) => d.sha256,
    () => undefined,
  );
}

/**
 * Refuses (unless `force`) to replace a file that was not written by an
 * earlier run, or was edited since: a user's changes never vanish silently.
 */
export async function checkOverwrites(
  out: string,
  planned: ReadonlyMap<string, string>,
  owned: Readonly<Record<string, string>>,
  force: boolean,
): Promise<void> {
  const foreign: string[] = [];
  for (const [file, sha256] of planned) {
    const onDisk = await diskDigest(join(out, file));
    if (onDisk === undefined || onDisk === sha256 || onDisk === owned[file]) continue;
    foreign.push(file);
  }
  if (foreign.length > 0 && !force) {
    throw new UserError(
      `${out}: ${foreign.join(', ')} ${foreign.length === 1 ? 'was' : 'were'} edited or not written by modelgate deploy. Re-run with --force to overwrite, or write to another --out.`,
    );
  }
}

/** Removes files an earlier run wrote that this run no longer writes (e.g. hpa.yaml), unless edited since. */
export async function removeStale(
  out: string,
  planned: ReadonlyMap<string, string>,
  owned: Readonly<Record<string, string>>,
): Promise<string[]> {
  const removed: string[] = [];
  for (const [file, sha256] of Object.entries(owned)) {
    if (planned.has(file) || file.includes('..')) continue;
    if ((await diskDigest(join(out, file))) !== sha256) continue;
    await rm(join(out, file), { force: true });
    removed.push(file);
  }
  return removed;
}
