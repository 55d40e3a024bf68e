import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * Temp siblings for the files DuckDB writes and a scratch directory for its
 * parts: renamed over the targets only when the whole run succeeds.
 */
export class StagedFiles {
  private readonly staged = new Map<string, string>();

  private constructor(readonly scratch: string) {}

  static async open(near: string): Promise<StagedFiles> {
    const dir = dirname(resolve(near));
    await mkdir(dir, { recursive: true });
    return new StagedFiles(await mkdtemp(`${resolve(near)}.parts-`));
  }

  /** The temp path to write instead of `target`. */
  async stage(target: string): Promise<string> {
    await mkdir(dirname(resolve(target)), { recursive: true });
    const temp = `${resolve(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    this.staged.set(target, temp);
    return temp;
  }

  async commit(): Promise<void> {
    await rm(this.scratch, { recursive: true, force: true });
    for (const [target, temp] of this.staged) await rename(temp, target);
    this.staged.clear();
  }

  async discard(): Promise<void> {
    await rm(this.scratch, { recursive: true, force: true });
    for (const temp of this.staged.values()) await rm(temp, { force: true });
    this.staged.clear();
  }
}
