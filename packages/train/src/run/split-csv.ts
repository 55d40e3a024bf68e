import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Database, quoteLiteral, SPLIT_NAMES, type SplitName } from '@modelgate/core';
import type { SearchSpace } from '../search/space.js';

/** The CSV copy of each split: `<dir>/train.csv`, `validation.csv`, `test.csv`. */
function splitCsvPaths(dir: string): Record<SplitName, string> {
  return Object.fromEntries(SPLIT_NAMES.map((name) => [name, resolve(dir, `${name}.csv`)])) as Record<
    SplitName,
    string
  >;
}

/** Only a command trainer reads the splits as files; built-in trainers get them in memory. */
export function hasCommandCandidate(space: SearchSpace): boolean {
  return space.some((c) => c.command !== undefined);
}

/**
 * The Parquet splits as CSV in `dir`, for trainers without a Parquet reader
 * (a stock Python): RFC 4180, a header row, the Parquet's columns and rows in
 * order, an empty cell for null (an empty string is written quoted, ""). Each
 * file lands whole (written beside, then renamed), so runners sharing `dir`
 * never read half a file.
 */
export async function writeSplitCsv(
  db: Database,
  parquet: Record<SplitName, string>,
  dir: string,
): Promise<Record<SplitName, string>> {
  const paths = splitCsvPaths(dir);
  await mkdir(dir, { recursive: true });
  for (const name of SPLIT_NAMES) {
    const tmp = `${paths[name]}.tmp-${process.pid}`;
    try {
      await db.run(
        `COPY (SELECT * FROM read_parquet(${quoteLiteral(parquet[name])})) TO ${quoteLiteral(tmp)} (FORMAT csv, HEADER true)`,
      );
      await rename(tmp, paths[name]);
    } finally {
      await rm(tmp, { force: true });
    }
  }
  return paths;
}

/** The CSV splits in `dir` when all three are there (a plan's), else undefined. */
export async function existingSplitCsv(dir: string): Promise<Record<SplitName, string> | undefined> {
  const paths = splitCsvPaths(dir);
  for (const name of SPLIT_NAMES) {
    if (!(await stat(paths[name]).catch(() => undefined))?.isFile()) return undefined;
  }
  return paths;
}
