import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface FileDigest {
  sha256: string;
  bytes: number;
}

export function digestBytes(data: Uint8Array | string): FileDigest {
  const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  return { sha256: createHash('sha256').update(data).digest('hex'), bytes };
}

/** Streams the file: a model can be larger than we want in memory twice. */
export async function digestFile(path: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).byteLength;
  }
  return { sha256: hash.digest('hex'), bytes };
}
