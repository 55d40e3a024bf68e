import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { UserError } from '../errors.js';
import type { DataFormat } from './format.js';

/** Where a file stops being UTF-8 text: a NUL byte or the first byte of an invalid sequence. */
export interface EncodingFault {
  offset: number;
  kind: 'nul' | 'utf16-bom' | 'invalid';
}

/** The start of a multi-byte sequence cut off by the end of `bytes`, or `bytes.length` when none is. */
function completeEnd(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 4); i--) {
    const b = bytes[i] as number;
    if ((b & 0xc0) === 0x80) continue;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + length > bytes.length ? i : bytes.length;
  }
  return bytes.length;
}

/** The first byte of `bytes[0, end)` that does not start a well-formed UTF-8 sequence; `end` when all do. */
function firstInvalid(bytes: Uint8Array, end: number): number {
  let i = 0;
  while (i < end) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const more =
      lead >= 0xc2 && lead <= 0xdf
        ? 1
        : lead >= 0xe0 && lead <= 0xef
          ? 2
          : lead >= 0xf0 && lead <= 0xf4
            ? 3
            : 0;
    if (more === 0 || i + more >= end) return i;
    // The second byte's range excludes overlong forms, surrogates and code points above U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    const second = bytes[i + 1] as number;
    if (second < low || second > high) return i;
    for (let k = 2; k <= more; k++) if (((bytes[i + k] as number) & 0xc0) !== 0x80) return i;
    i += more + 1;
  }
  return end;
}

const isUtf16Bom = (bytes: Uint8Array) =>
  (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);

/** The first NUL byte or invalid UTF-8 sequence of a file, streamed; undefined for clean UTF-8 text. */
export async function findEncodingFault(path: string): Promise<EncodingFault | undefined> {
  let before = 0;
  let carry: Uint8Array = new Uint8Array(0);
  for await (const chunk of createReadStream(path)) {
    const bytes = carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    const end = completeEnd(bytes);
    const nul = bytes.indexOf(0);
    const invalid = isUtf8(bytes.subarray(0, end)) ? -1 : firstInvalid(bytes, end);
    if (nul >= 0 && (invalid < 0 || nul < invalid)) return { offset: before + nul, kind: 'nul' };
    if (invalid === 0 && before === 0 && isUtf16Bom(bytes)) return { offset: 0, kind: 'utf16-bom' };
    if (invalid >= 0) return { offset: before + invalid, kind: 'invalid' };
    carry = bytes.subarray(end);
    before += end;
  }
  return carry.length > 0 ? { offset: before, kind: 'invalid' } : undefined;
}

const TEXT_FORMATS: ReadonlySet<DataFormat> = new Set(['csv', 'tsv', 'json', 'jsonl']);
const COMPRESSED = /\.(gz|zst)$/i;

const DESCRIBE: Record<EncodingFault['kind'], string> = {
  nul: '(UTF-16?) at byte {offset}, a NUL byte',
  'utf16-bom': '(UTF-16?) at byte {offset}, a UTF-16 byte order mark',
  invalid: '(Latin-1 or Windows-1252?) at byte {offset}',
};

/**
 * Refuses text data that is not UTF-8 before DuckDB reads it: a NUL byte
 * (UTF-16 without a byte order mark, a binary file) would otherwise reach
 * column names and end the SQL that quotes them.
 */
export async function checkTextEncoding(files: readonly string[], format: DataFormat): Promise<void> {
  if (!TEXT_FORMATS.has(format)) return;
  for (const file of files) {
    if (COMPRESSED.test(file)) continue;
    const fault = await findEncodingFault(file);
    if (fault) {
      throw new UserError(
        `${file}: not UTF-8 ${DESCRIBE[fault.kind].replace('{offset}', String(fault.offset))}. Expected UTF-8 text; convert it first (e.g. iconv -t UTF-8).`,
      );
    }
  }
}
