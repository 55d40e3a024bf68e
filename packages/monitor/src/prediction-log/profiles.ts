import { basename, join } from 'node:path';
import { type DataProfile, mergeProfiles, readProfile, UserError } from '@modelgate/core';
import type { ProfileFile } from '../chunks/profile-dir.js';
import { type ChunkSpec, formatChunkSpec } from '../chunks/spec.js';
import { periodLabel, truncateMs } from '../chunks/time.js';
import type { Note } from '../report/types.js';
import type { PredictionLogFiles } from './files.js';

/**
 * The log's hourly profiles merged per chunk (hour, day, week, month by the
 * hour in the file name, or all), one entry per chunk named by its period:
 * monitorProfiles with chunk `file` then reports one chunk each.
 */
export async function readLogProfiles(log: PredictionLogFiles, spec: ChunkSpec): Promise<ProfileFile[]> {
  if (log.profiles.length === 0)
    throw new UserError(`${log.dir}: no profile-<hour>Z.json files in the prediction log.`);
  if (spec.by === 'rows') {
    throw new UserError(
      `--chunk ${formatChunkSpec(spec)}: the log's profiles hold no rows to count off; use hour, day, week, month or all.`,
    );
  }
  const groups = new Map<string, DataProfile[]>();
  for (const { file, hour } of log.profiles) {
    const label =
      spec.by === 'time'
        ? periodLabel(truncateMs(hour, spec.unit), spec.unit)
        : spec.by === 'all'
          ? 'all hours'
          : periodLabel(hour, 'hour');
    groups.set(label, [...(groups.get(label) ?? []), await readProfile(file)]);
  }
  return [...groups].map(([label, profiles]) => ({
    file: join(log.dir, `${label}.json`),
    profile: mergeProfiles(...(profiles as [DataProfile, ...DataProfile[]])),
  }));
}

/** What the report says of profiles the server set aside as unreadable (their hour's profile starts after them). */
export function setAsideProfileNotes(log: Pick<PredictionLogFiles, 'setAsideProfiles'>): Note[] {
  const files = log.setAsideProfiles.map((f) => basename(f));
  if (files.length === 0) return [];
  const one = files.length === 1;
  return [
    {
      level: 'warning',
      message: `prediction log: ${files.length} hourly ${one ? 'profile' : 'profiles'} the server could not read ${one ? 'was' : 'were'} set aside (${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}): ${one ? 'its hour counts' : 'their hours count'} only the rows logged after that.`,
    },
  ];
}
