import { open } from 'node:fs/promises';
import { UserError } from '../errors.js';
import type { DataFormat } from './format.js';

const HEAD_BYTES = 64 * 1024;

/**
 * A CSV or TSV file must start with its header: DuckDB would invent `column0`
 * for a blank first line and read the rest as nulls rather than refuse it.
 */
export async function checkCsvHeader(files: readonly string[], format: DataFormat): Promise<void> {
  if (format !== 'csv' && format !== 'tsv') return;
  for (const file of files) {
    if (/\.(gz|zst)$/i.test(file)) continue;
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
      const head = buffer
        .subarray(0, bytesRead)
        .toString('utf8')
        .replace(/^\uFEFF/, '');
      const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
      if (firstLine.trim() === '') {
        throw new UserError(`${file}: the first line is blank. Expected a header row naming the columns.`);
      }
    } finally {
      await handle.close();
    }
  }
}
