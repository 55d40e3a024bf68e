import type { Stats } from 'node:fs';
import { link, open, rename, rm, stat } from 'node:fs/promises';
import { UserError } from '../errors.js';

/**
 * A target that appeared while a no-clobber write was working (another run, the user):
 * it is left as it is. Commands rephrase it to name their flag.
 */
export class OutputAppeared extends UserError {
  constructor(readonly path: string) {
    super(`${path}: appeared while this run was working; it is left as it is.`);
  }
}

/** A finished temp file and the path it is published at. */
export interface Publish {
  temp: string;
  target: string;
}

export interface PublishOptions {
  /** Rename over a target that exists (atomic replace); false refuses one with OutputAppeared. */
  replace: boolean;
}

/** Errors of a filesystem without hard links (FAT, some network mounts), where no-clobber falls back. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException).code ?? '';

/**
 * The fallback without hard links: the name is taken with an exclusive create (which fails if
 * anything is there), then the finished file is renamed over that empty placeholder, so the
 * target is never clobbered and a reader sees an empty file at worst, never half of one.
 */
export async function placeExclusively(temp: string, target: string): Promise<void> {
  try {
    await (await open(target, 'wx')).close();
  } catch (err) {
    throw codeOf(err) === 'EEXIST' ? new OutputAppeared(target) : err;
  }
  await rename(temp, target);
}

/** A hard link fails with EEXIST, atomically, if anything is at `target`: the temp stays for the caller. */
async function claim(temp: string, target: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (err) {
    const code = codeOf(err);
    if (code === 'EEXIST') throw new OutputAppeared(target);
    if (!NO_HARD_LINKS.has(code)) throw err;
    await placeExclusively(temp, target);
  }
}

const sameFile = (a: Stats, b: Stats) => a.ino === b.ino && a.dev === b.dev;

/**
 * Moves finished temp files onto their targets. With `replace`, a rename each (atomic).
 * Without, none is clobbered: a target that exists by now (checked up front, it may have
 * appeared during a long run) is an OutputAppeared, and the targets this call already
 * published are taken back, so it publishes all of them or none; the temps are the caller's
 * to remove then.
 */
export async function publishFiles(files: readonly Publish[], options: PublishOptions): Promise<void> {
  if (options.replace) {
    for (const { temp, target } of files) await rename(temp, target);
    return;
  }
  const published: { target: string; file: Stats }[] = [];
  try {
    for (const { temp, target } of files) {
      const file = await stat(temp);
      await claim(temp, target);
      published.push({ target, file });
    }
  } catch (err) {
    for (const { target, file } of published.reverse()) {
      const now = await stat(target).catch(() => undefined);
      // Only our own file: one that replaced it meanwhile is someone else's.
      if (now && sameFile(now, file)) await rm(target, { force: true });
    }
    throw err;
  }
  for (const { temp } of files) await rm(temp, { force: true });
}
