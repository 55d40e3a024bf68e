import { open } from 'node:fs/promises';

/**
 * Whether a file of `size` bytes (> 0) ends with '\n', read from its last byte alone. A line log
 * whose last line lacks one was cut off mid-write: its writer was stopped while writing.
 */
export async function endsWithNewline(path: string, size: number): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await handle.close();
  }
}
