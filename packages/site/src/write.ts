import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '@modelgate/core';
import { SITE_FORMAT } from './index-json.js';
import { SITE_PATHS } from './paths.js';

export interface SiteWriter {
  /** Writes a file at a site path ('/'-separated). */
  write(path: string, content: string): void;
}

/** Writes into `dir`. Synchronous: creating ten thousand small files is faster one after another than through a pool. */
export function directoryWriter(dir: string): SiteWriter {
  const made = new Set<string>();
  return {
    write(path, content) {
      const file = join(dir, ...path.split('/'));
      const parent = dirname(file);
      if (!made.has(parent)) {
        mkdirSync(parent, { recursive: true });
        made.add(parent);
      }
      writeFileSync(file, content);
    },
  };
}

/** An existing --out is replaced only when it is empty or a site this command wrote. */
async function checkOut(out: string, named: string): Promise<boolean> {
  const info = await stat(out).catch(() => undefined);
  if (!info) return false;
  if (!info.isDirectory())
    throw new UserError(`--out ${named}: is a file. Expected a directory for the site.`);
  if ((await readdir(out)).length === 0) return true;
  const index = await readFile(join(out, SITE_PATHS.index), 'utf8').catch(() => '');
  const format = (() => {
    try {
      return (JSON.parse(index) as { format?: unknown }).format;
    } catch {
      return undefined;
    }
  })();
  if (format !== SITE_FORMAT) {
    throw new UserError(
      `--out ${named}: is not empty and holds no site from modelgate site (no ${SITE_PATHS.index} with format ${SITE_FORMAT}). Expected a new or empty directory, or an earlier site to replace.`,
    );
  }
  return true;
}

/**
 * Builds the site in a directory beside `out` and swaps it in when `work` succeeds: a failed build
 * leaves the previous site as it was, and pages of models no longer in the registry disappear.
 */
export async function withSiteDirectory<T>(
  out: string,
  work: (writer: SiteWriter, dir: string) => Promise<T>,
): Promise<T> {
  const target = resolve(out);
  const exists = await checkOut(target, out);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = `${target}.tmp-${suffix}`;
  const writer = directoryWriter(staging);
  await mkdir(staging, { recursive: true });
  try {
    const result = await work(writer, staging);
    if (exists) {
      const old = `${target}.old-${suffix}`;
      await rename(target, old);
      await rename(staging, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await mkdir(dirname(target), { recursive: true });
      await rename(staging, target);
    }
    return result;
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}
