import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { fileVersion } from '../src/out-path.js';

// predict --force removes an earlier run's reject file only when fileVersion says it is the one
// that was there before the run: a file written there during the run is the user's and is kept.
describe('fileVersion', () => {
  const tmp = useTempDir('file-version');

  it('is the same for a file no one touched, and none for no file or a directory', async () => {
    const file = tmp.path('rejects.csv');
    expect(await fileVersion(file)).toBeUndefined();
    await writeFile(file, 'a,reason\n1,bad\n');
    const before = await fileVersion(file);
    expect(before).toBeDefined();
    expect(await fileVersion(file)).toBe(before);
    const dir = tmp.path('dir');
    await mkdir(dir);
    expect(await fileVersion(dir)).toBeUndefined();
  });

  it('differs once the file is replaced by another with the same bytes, or written to', async () => {
    const file = tmp.path('replaced.csv');
    await writeFile(file, 'a,reason\n1,bad\n');
    const before = await fileVersion(file);
    const other = tmp.path('other.csv');
    await writeFile(other, 'a,reason\n1,bad\n');
    await rename(other, file);
    const replaced = await fileVersion(file);
    expect(replaced).not.toBe(before);
    await appendFile(file, '2,bad\n');
    expect(await fileVersion(file)).not.toBe(replaced);
  });
});
