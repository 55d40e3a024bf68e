import { errorMessage } from '@modelgate/core';
import { JsonlFiles } from '../../prediction-log/jsonl-files.js';
import { modelDir } from '../../prediction-log/layout.js';
import type { ShadowLines, ShadowLinesFiles } from '../../prediction-log/types.js';

/**
 * In the shadow's process: appends the lines it wrote to the log's `shadow-<hour>Z.jsonl` files
 * itself, at its low priority, beside the other shadow processes (one per acceptor) and the log.
 * Writes go one after another, in the order given.
 */
export class ShadowLinesWriter {
  private readonly files: JsonlFiles;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly target: ShadowLinesFiles) {
    this.files = new JsonlFiles(target.maxFileBytes, 'shadow', true);
  }

  /** Appends the groups; resolves with why some of their rows were not written, or undefined. */
  write(groups: readonly ShadowLines[]): Promise<string | undefined> {
    const written = this.writing.then(() => this.append(groups));
    this.writing = written;
    return written;
  }

  private async append(groups: readonly ShadowLines[]): Promise<string | undefined> {
    let lost = 0;
    let why: string | undefined;
    for (const group of groups) {
      const dir = modelDir(this.target.dir, group.shadowOf);
      try {
        if (!dir) throw new Error(`model name '${group.shadowOf}' cannot name a directory`);
        await this.files.append(dir, group.hour, [group.data]);
      } catch (err) {
        lost += group.rows;
        why ??= errorMessage(err);
      }
    }
    return why === undefined ? undefined : `prediction log: ${lost} shadow rows not written: ${why}`;
  }

  /** Resolves once every write begun has ended. */
  async idle(): Promise<void> {
    await this.writing;
  }
}
