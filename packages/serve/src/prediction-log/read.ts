import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@modelgate/core';
import { parseSetAsideProfileName } from './hourly-profiles.js';
import { modelDir, parsePredictionsFileName, parseProfileFileName } from './layout.js';

export interface PredictionLogHour {
  /** The UTC hour, `YYYY-MM-DDTHH`. */
  hour: string;
  /** The hour's JSONL files in write order (the `-n` suffix ascending). */
  predictions: string[];
  /** The hour's shadow files (`serve --shadow`), in write order; empty without a shadow. */
  shadow: string[];
  /** The hour's profile, absent when no batch of the hour was profiled. */
  profile?: string;
  /**
   * Profiles of the hour a restarted server could not read and set aside (`profile-<hour>Z.corrupt.json`):
   * `profile` then counts only the rows after. Absent when there are none.
   */
  setAsideProfiles?: string[];
}

function inOrder(files: { index: number; path: string }[]): string[] {
  return files.sort((a, b) => a.index - b.index).map((f) => f.path);
}

/** What a model's prediction log holds, hour by hour, oldest first: what a monitor reads. */
export async function listPredictionLog(dir: string, model: string): Promise<PredictionLogHour[]> {
  const folder = modelDir(dir, model);
  if (!folder)
    throw new UserError(`Invalid model name '${model}'. Expected letters, digits, '-', '_' or '/'.`);
  const names = await readdir(folder).catch(() => {
    throw new UserError(`${folder}: no prediction log for model '${model}'.`);
  });
  type Numbered = { index: number; path: string }[];
  const hours = new Map<
    string,
    { files: Numbered; shadow: Numbered; profile?: string; setAside: Numbered }
  >();
  const hourOf = (hour: string) => {
    let entry = hours.get(hour);
    if (!entry) {
      entry = { files: [], shadow: [], setAside: [] };
      hours.set(hour, entry);
    }
    return entry;
  };
  for (const name of names) {
    const predictions = parsePredictionsFileName(name);
    if (predictions)
      hourOf(predictions.hour).files.push({ index: predictions.index, path: join(folder, name) });
    const shadow = parsePredictionsFileName(name, 'shadow');
    if (shadow) hourOf(shadow.hour).shadow.push({ index: shadow.index, path: join(folder, name) });
    const profile = parseProfileFileName(name);
    if (profile) hourOf(profile.hour).profile = join(folder, name);
    const setAside = parseSetAsideProfileName(name);
    if (setAside) hourOf(setAside.hour).setAside.push({ index: setAside.index, path: join(folder, name) });
  }
  return [...hours.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([hour, entry]) => ({
      hour,
      predictions: inOrder(entry.files),
      shadow: inOrder(entry.shadow),
      ...(entry.profile !== undefined ? { profile: entry.profile } : {}),
      ...(entry.setAside.length > 0 ? { setAsideProfiles: inOrder(entry.setAside) } : {}),
    }));
}
