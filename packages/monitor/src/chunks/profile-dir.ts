import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type DataProfile, mergeProfiles, readProfile, UserError } from '@modelgate/core';
import type { Chunk } from './chunk.js';
import { type ChunkSpec, formatChunkSpec, MAX_CHUNKS } from './spec.js';
import { periodEnd, periodLabel, truncateMs } from './time.js';

export interface ProfileFile {
  file: string;
  profile: DataProfile;
}

export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** Every `*.json` in the directory, by name: profiles a server wrote per hour sort in time order. */
export async function readProfileDir(dir: string): Promise<ProfileFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  if (names.length === 0) {
    throw new UserError(
      `--current ${dir}: no *.json profiles in this directory. Expected profiles written by 'modelgate profile', or pass a data file or glob such as '${dir}/*.parquet'.`,
    );
  }
  if (names.length > MAX_CHUNKS * 10) {
    throw new UserError(`--current ${dir}: ${names.length} profiles; at most ${MAX_CHUNKS * 10} are read.`);
  }
  const files: ProfileFile[] = [];
  for (const name of names)
    files.push({ file: join(dir, name), profile: await readProfile(join(dir, name)) });
  return files;
}

/** The earliest time in a profile's time column (epoch ms), or null. */
function earliest(profile: DataProfile, time: string): number | null {
  const column = profile.columns[time];
  return column?.kind === 'datetime' && column.stats.min !== null ? column.stats.min : null;
}

export interface ProfileChunks {
  chunks: Chunk[];
  profiles: DataProfile[];
  /** Files left out: no time to place them by. */
  excluded: string[];
}

/**
 * Chunks of a directory of profiles: one per file, or the files of one
 * calendar period merged (a file belongs to the period of its earliest time).
 */
export function chunkProfileFiles(
  files: readonly ProfileFile[],
  spec: ChunkSpec,
  options: { time: string | undefined; minRows: number },
): ProfileChunks {
  const chunk = (index: number, label: string, profile: DataProfile, span: [number, number] | null) => ({
    index,
    label,
    start: span ? new Date(span[0]).toISOString() : null,
    end: span ? new Date(span[1]).toISOString() : null,
    rows: profile.rows,
    tooSmall: profile.rows < options.minRows,
  });
  if (spec.by === 'file') {
    return {
      chunks: files.map((f, i) => chunk(i, basename(f.file, '.json'), f.profile, null)),
      profiles: files.map((f) => f.profile),
      excluded: [],
    };
  }
  if (spec.by === 'all') {
    const merged = mergeProfiles(...(files.map((f) => f.profile) as [DataProfile, ...DataProfile[]]));
    return { chunks: [chunk(0, 'all profiles', merged, null)], profiles: [merged], excluded: [] };
  }
  if (spec.by === 'rows') {
    throw new UserError(
      `--chunk ${formatChunkSpec(spec)}: profiles hold no rows to count off. With a directory of profiles use file, all, hour, day, week or month.`,
    );
  }
  const time = options.time;
  if (!time) {
    throw new UserError(
      `--chunk ${spec.unit}: needs a time column. Pass --time <column> or set 'time' in modelgate.yaml.`,
    );
  }
  const periods = new Map<number, DataProfile[]>();
  const excluded: string[] = [];
  for (const f of files) {
    const at = earliest(f.profile, time);
    if (at === null) {
      excluded.push(f.file);
      continue;
    }
    const start = truncateMs(at, spec.unit);
    periods.set(start, [...(periods.get(start) ?? []), f.profile]);
  }
  if (periods.size === 0) {
    throw new UserError(
      `--time ${time}: no profile in the directory has a datetime column '${time}' with values to place it in time.`,
    );
  }
  if (periods.size > MAX_CHUNKS) {
    throw new UserError(
      `--chunk ${spec.unit}: the profiles span ${periods.size} chunks; at most ${MAX_CHUNKS} are monitored. Use longer chunks.`,
    );
  }
  const starts = [...periods.keys()].sort((a, b) => a - b);
  const profiles = starts.map((s) => mergeProfiles(...(periods.get(s) as [DataProfile, ...DataProfile[]])));
  return {
    chunks: starts.map((s, i) =>
      chunk(i, periodLabel(s, spec.unit), profiles[i] as DataProfile, [s, periodEnd(s, spec.unit)]),
    ),
    profiles,
    excluded,
  };
}
