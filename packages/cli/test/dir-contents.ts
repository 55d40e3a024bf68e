import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Every file under `dir` with its content, so a changed, added or removed file (a temp file too) shows. */
export async function contents(dir: string): Promise<Record<string, string>> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = names.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const entries = await Promise.all(
    files.map(async (f) => [f.slice(dir.length + 1), await readFile(f, 'latin1')] as const),
  );
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}
