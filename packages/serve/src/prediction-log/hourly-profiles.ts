import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ColumnKind,
  type DataProfile,
  errorMessage,
  mergeProfiles,
  parseProfile,
  pathExists,
  stringifyProfile,
  writeFileAtomic,
} from '@modelgate/core';
import { profileFileName } from './layout.js';

/**
 * `profile-<hour>Z.corrupt.json`, then `-2`, `-3`, …: an hour's profile a restarted server could
 * not read, kept under a name no reader takes for a profile.
 */
export function setAsideProfileName(hour: string, index: number): string {
  return `profile-${hour}Z.corrupt${index <= 1 ? '' : `-${index}`}.json`;
}

const SET_ASIDE_PROFILE = /^profile-(\d{4}-\d{2}-\d{2}T\d{2})Z\.corrupt(?:-(\d+))?\.json$/;

export function parseSetAsideProfileName(name: string): { hour: string; index: number } | undefined {
  const match = SET_ASIDE_PROFILE.exec(name);
  return match?.[1] ? { hour: match[1], index: match[2] === undefined ? 1 : Number(match[2]) } : undefined;
}

/** Each model's profile of the current hour, kept in memory and rewritten whole (atomically) on each flush. */
export class HourlyProfiles {
  private readonly latest = new Map<string, { hour: string; profile: DataProfile }>();

  /** `notify` is told when an unreadable profile was set aside (the log's onError). */
  constructor(private readonly notify: (notice: Error) => void = () => {}) {}

  /**
   * The profile on disk, if any: a restarted server merges into what its predecessor wrote. One it
   * cannot parse is moved aside, never overwritten (its counts are the hour's only record of the
   * rows before the restart), and the hour starts afresh; a file it cannot read at all fails the
   * update and stays as it is.
   */
  private async existing(dir: string, hour: string): Promise<DataProfile | undefined> {
    const known = this.latest.get(dir);
    if (known?.hour === hour) return known.profile;
    const path = join(dir, profileFileName(hour));
    const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (text === undefined) return undefined;
    try {
      return parseProfile(text, path);
    } catch (err) {
      await this.setAside(dir, hour, errorMessage(err));
      return undefined;
    }
  }

  private async setAside(dir: string, hour: string, problem: string): Promise<void> {
    let index = 1;
    while (await pathExists(join(dir, setAsideProfileName(hour, index)))) index++;
    const name = setAsideProfileName(hour, index);
    await rename(join(dir, profileFileName(hour)), join(dir, name));
    this.notify(
      new Error(
        `prediction log: ${problem}; set aside as ${name}, and the hour's profile starts afresh (the counts before now are in that file only).`,
      ),
    );
  }

  /** The kinds the hour's profile already gives its columns, which later batches must keep. */
  async kinds(dir: string, hour: string): Promise<Map<string, ColumnKind>> {
    const profile = await this.existing(dir, hour);
    return new Map(Object.entries(profile?.columns ?? {}).map(([name, column]) => [name, column.kind]));
  }

  async add(dir: string, hour: string, batch: DataProfile): Promise<void> {
    const before = await this.existing(dir, hour);
    const profile = before ? mergeProfiles(before, batch) : mergeProfiles(batch);
    await writeFileAtomic(join(dir, profileFileName(hour)), stringifyProfile(profile));
    const known = this.latest.get(dir);
    if (!known || known.hour <= hour) this.latest.set(dir, { hour, profile });
  }
}
