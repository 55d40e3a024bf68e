import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stageOutputs } from '@modelgate/core';

/**
 * withStagedOutputs for outputs that include directories: `work` writes into
 * a staging directory; on success the names in `replaced` are removed from
 * `out` (a previous run's outputs: directories, which a rename cannot
 * replace, or files this run does not write) and everything staged moves in;
 * on failure `out` is left as it was.
 */
export async function withStagedDirectories<T>(
  out: string,
  replaced: readonly string[],
  work: (dir: string) => Promise<T>,
): Promise<T> {
  const staging = await stageOutputs(out);
  try {
    const result = await work(staging.dir);
    for (const name of replaced) await rm(join(out, name), { recursive: true, force: true });
    await staging.commit();
    return result;
  } catch (err) {
    await staging.discard();
    throw err;
  }
}
