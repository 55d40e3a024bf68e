import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isDirectory } from '../chunks/profile-dir.js';

/** `predictions-2024-05-01T13Z.jsonl`, `predictions-2024-05-01T13Z-2.jsonl`: one file (or more) per hour. */
export const PREDICTIONS_FILE = /^predictions-(\d{4}-\d\d-\d\dT\d\d)Z(?:-\d+)?\.jsonl$/;
/** `shadow-2024-05-01T13Z.jsonl`: a shadow model's predictions for the same requests (`serve --shadow`). */
export const SHADOW_FILE = /^shadow-(\d{4}-\d\d-\d\dT\d\d)Z(?:-\d+)?\.jsonl$/;
/** `requests-2024-05-01T13Z.jsonl`: every request the server answered (status, latency). */
export const REQUESTS_FILE = /^requests-(\d{4}-\d\d-\d\dT\d\d)Z(?:-\d+)?\.jsonl$/;
/** `serving-2024-05-01T13Z.json`: the hour's requests per minute (count, status classes, latency buckets). */
export const SERVING_FILE = /^serving-(\d{4}-\d\d-\d\dT\d\d)Z\.json$/;
/** `profile-2024-05-01T13Z.json`: the hour's mergeable profile. */
export const PROFILE_FILE = /^profile-(\d{4}-\d\d-\d\dT\d\d)Z\.json$/;
/** `profile-2024-05-01T13Z.corrupt.json` (`-2`, …): an hour's profile a restarted server could not read and set aside. */
export const SET_ASIDE_PROFILE_FILE = /^profile-(\d{4}-\d\d-\d\dT\d\d)Z\.corrupt(?:-\d+)?\.json$/;

export interface PredictionLogFiles {
  dir: string;
  /** JSONL files, in write order (hour, then the `-n` suffix). */
  predictions: string[];
  /** The shadow model's JSONL files, in time order (empty without a shadow). */
  shadows: string[];
  /** Hourly profiles with their hour (epoch ms), in time order. */
  profiles: { file: string; hour: number }[];
  /** Profiles the server set aside as unreadable: their hour's profile holds only the rows after. */
  setAsideProfiles: string[];
  /** The server's request log (latency, status), in time order. */
  requests: string[];
  /** The server's per-minute request aggregates, in time order: read in preference to `requests`. */
  serving: string[];
}

function hourOf(stamp: string): number {
  return Date.parse(`${stamp}:00:00Z`);
}

/** The hour and the `-n` suffix (none is 0) of a JSONL file name. */
const WRITE_ORDER = /-(\d{4}-\d\d-\d\dT\d\d)Z(?:-(\d+))?\.jsonl$/;

/**
 * JSONL files in the order the server wrote them: by hour, then suffix as a
 * number (plain sorting puts `-1` before the unsuffixed file, and `-10` before `-2`).
 */
function inWriteOrder(dir: string, names: readonly string[], pattern: RegExp): string[] {
  const keyed = names.flatMap((name) => {
    if (!pattern.test(name)) return [];
    const m = WRITE_ORDER.exec(name);
    return [{ name, hour: m?.[1] ?? '', index: Number(m?.[2] ?? 0) }];
  });
  keyed.sort((a, b) => (a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : a.index - b.index));
  return keyed.map((k) => join(dir, k.name));
}

async function scan(dir: string): Promise<PredictionLogFiles> {
  const names = (await readdir(dir)).sort();
  return {
    dir,
    predictions: inWriteOrder(dir, names, PREDICTIONS_FILE),
    shadows: inWriteOrder(dir, names, SHADOW_FILE),
    requests: inWriteOrder(dir, names, REQUESTS_FILE),
    serving: names.filter((n) => SERVING_FILE.test(n)).map((n) => join(dir, n)),
    profiles: names.flatMap((n) => {
      const m = PROFILE_FILE.exec(n);
      return m ? [{ file: join(dir, n), hour: hourOf(m[1] as string) }] : [];
    }),
    setAsideProfiles: names.filter((n) => SET_ASIDE_PROFILE_FILE.test(n)).map((n) => join(dir, n)),
  };
}

const isEmpty = (f: PredictionLogFiles) => f.predictions.length === 0 && f.profiles.length === 0;

/** The logs of `dir/<name>/`, one per model, as `serve --prediction-log dir` writes them. */
export async function modelLogs(dir: string): Promise<{ model: string; log: PredictionLogFiles }[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const logs = await Promise.all(
    entries
      .filter((e) => e.isDirectory())
      .map(async (e) => ({ model: e.name, log: await scan(join(dir, e.name)) })),
  );
  return logs.filter(({ log }) => !isEmpty(log)).sort((a, b) => a.model.localeCompare(b.model));
}

/**
 * The prediction log under `dir`: its files directly, or those of
 * `dir/<model>/` (without a model, of the only model there is). Null when
 * the directory holds neither (a directory of plain profiles, say).
 */
export async function findPredictionLog(dir: string, model?: string): Promise<PredictionLogFiles | null> {
  const here = await scan(dir);
  if (!isEmpty(here)) return here;
  if (model && (await isDirectory(join(dir, model)))) {
    const nested = await scan(join(dir, model));
    if (!isEmpty(nested)) return nested;
  }
  if (model) return null;
  // The directory given to `serve --prediction-log`: one model's log is unambiguous.
  const logs = await modelLogs(dir);
  return logs.length === 1 ? (logs[0]?.log ?? null) : null;
}
