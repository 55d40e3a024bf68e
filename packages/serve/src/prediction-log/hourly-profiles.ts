import { join } from 'node:path';
import {
  type ColumnKind,
  type DataProfile,
  mergeProfiles,
  readProfile,
  stringifyProfile,
  writeFileAtomic,
} from '@modelgate/core';
import { profileFileName } from './layout.js';

/** Each model's profile of the current hour, kept in memory and rewritten whole (atomically) on each flush. */
export class HourlyProfiles {
  private readonly latest = new Map<string, { hour: string; profile: DataProfile }>();

  /** The profile on disk, if any: a restarted server merges into what its predecessor wrote. */
  private async existing(dir: string, hour: string): Promise<DataProfile | undefined> {
    const known = this.latest.get(dir);
    if (known?.hour === hour) return known.profile;
    return readProfile(join(dir, profileFileName(hour))).catch(() => undefined);
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
