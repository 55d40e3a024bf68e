import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathExists } from './exists.js';
import { publishFiles } from './publish.js';

function tempSibling(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Writes beside the target and renames over it, so readers never see half a file.
 * `replace: false` never clobbers: a file at `path` by the end is an OutputAppeared.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { replace: boolean } = { replace: true },
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempSibling(path);
  try {
    await writeFile(tmp, data);
    await publishFiles([{ temp: tmp, target: path }], options);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export interface Staging {
  /** Write outputs here. */
  dir: string;
  /** Moves every staged file into the output directory; returns the names that replaced existing files. */
  commit(): Promise<string[]>;
  discard(): Promise<void>;
}

/**
 * A scratch directory beside `outDir` for a command with several output
 * files: a failure leaves `outDir` untouched, success moves all files in.
 */
export async function stageOutputs(outDir: string): Promise<Staging> {
  const dir = tempSibling(outDir.replace(/\/+$/, ''));
  await mkdir(dir, { recursive: true });
  const discard = () => rm(dir, { recursive: true, force: true });
  return {
    dir,
    discard,
    async commit() {
      await mkdir(outDir, { recursive: true });
      const replaced: string[] = [];
      for (const name of await readdir(dir)) {
        const target = join(outDir, name);
        if (await pathExists(target)) replaced.push(name);
        await rename(join(dir, name), target);
      }
      await discard();
      return replaced;
    },
  };
}

/** Runs `work` against a staging directory and commits only if it succeeds. */
export async function withStagedOutputs<T>(
  outDir: string,
  work: (dir: string) => Promise<T>,
): Promise<{ result: T; replaced: string[] }> {
  const staging = await stageOutputs(outDir);
  try {
    const result = await work(staging.dir);
    return { result, replaced: await staging.commit() };
  } catch (err) {
    await staging.discard();
    throw err;
  }
}
