import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface FileFingerprint {
  path: string;
  bytes: number;
  sha256: string;
}

export interface DatasetFingerprint {
  /** sha256 over the bytes of every file in order: equals `sha256sum file` for one file. */
  sha256: string;
  rows: number;
  columns: number;
  files: FileFingerprint[];
}

async function hashInto(path: string, ...hashes: ReturnType<typeof createHash>[]): Promise<void> {
  for await (const chunk of createReadStream(path)) {
    for (const h of hashes) h.update(chunk as Buffer);
  }
}

export async function fingerprintFiles(
  files: readonly string[],
  shape: { rows: number; columns: number },
): Promise<DatasetFingerprint> {
  const all = createHash('sha256');
  const perFile: FileFingerprint[] = [];
  for (const path of files) {
    const one = createHash('sha256');
    await hashInto(path, all, one);
    perFile.push({ path, bytes: (await stat(path)).size, sha256: one.digest('hex') });
  }
  return { sha256: all.digest('hex'), rows: shape.rows, columns: shape.columns, files: perFile };
}
