import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { publishFiles } from '@modelgate/core';

/**
 * Temp siblings for the files DuckDB writes and a scratch directory for its
 * parts: published at the targets only when the whole run succeeds.
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

  /** `replace: false`: a target that appeared meanwhile is an OutputAppeared, and none is published. */
  async commit(options: { replace: boolean }): Promise<void> {
    await rm(this.scratch, { recursive: true, force: true });
    await publishFiles(
      [...this.staged].map(([target, temp]) => ({ temp, target })),
      options,
    );
    this.staged.clear();
  }

  async discard(): Promise<void> {
    await rm(this.scratch, { recursive: true, force: true });
    for (const temp of this.staged.values()) await rm(temp, { force: true });
    this.staged.clear();
  }
}
