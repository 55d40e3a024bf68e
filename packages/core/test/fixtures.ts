import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { Database, UserError } from '../src/index.js';

/** One in-memory DuckDB for the test file: opened before its tests, closed after them. */
export function useDatabase(): () => Database {
  let db: Database | undefined;
  beforeAll(async () => {
    db = await Database.open();
  });
  afterAll(() => db?.close());
  return () => {
    if (!db)
      throw new Error('useDatabase(): the database opens in beforeAll; use it inside tests and hooks.');
    return db;
  };
}

export interface TempDir {
  /** The directory; it exists from beforeAll until afterAll. */
  readonly dir: string;
  /** A path inside the directory. */
  path(...names: string[]): string;
  /** Writes `content` to `name` inside the directory and returns its path. */
  write(name: string, content: string | Uint8Array): Promise<string>;
}

/** A fresh temporary directory for the test file, removed after its tests. */
export function useTempDir(name: string): TempDir {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `modelgate-${name}-`));
  });
  afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));
  const temp: TempDir = {
    get dir() {
      if (!dir)
        throw new Error('useTempDir(): the directory is made in beforeAll; use it inside tests and hooks.');
      return dir;
    },
    path: (...names) => join(temp.dir, ...names),
    write: async (name, content) => {
      const path = temp.path(name);
      await writeFile(path, content);
      return path;
    },
  };
  return temp;
}

/** Expects `work` to throw or reject with a UserError (whose message matches); returns the message. */
export async function expectUserError(
  work: Promise<unknown> | (() => unknown),
  message?: RegExp,
): Promise<string> {
  let caught: unknown;
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(UserError);
  const text = (caught as Error).message;
  if (message) expect(text).toMatch(message);
  return text;
}
