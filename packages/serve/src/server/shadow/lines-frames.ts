import type { ShadowLines } from '../../prediction-log/types.js';

/**
 * How a shadow's process sends its log lines over the lines socket: per group a header, one JSON line
 * `{"shadowOf","hour","requests","rows","bytes"}`, then `bytes` bytes of lines. The reader only cuts
 * bytes: the lines are never decoded, parsed or held as strings by the log's writer.
 */
export function encodeFrames(groups: readonly ShadowLines[]): Buffer {
  const parts: Uint8Array[] = [];
  for (const { shadowOf, hour, requests, rows, data } of groups) {
    parts.push(
      Buffer.from(`${JSON.stringify({ shadowOf, hour, requests, rows, bytes: data.byteLength })}\n`),
    );
    parts.push(data);
  }
  return Buffer.concat(parts);
}

interface Header {
  shadowOf: string;
  hour: string;
  requests: number;
  rows: number;
  bytes: number;
}

const count = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0;

function parseHeader(text: string): Header {
  let header: Partial<Header>;
  try {
    header = JSON.parse(text) as Partial<Header>;
  } catch {
    throw new Error(`shadow lines: a frame header is not JSON: ${text.slice(0, 80)}`);
  }
  if (
    typeof header?.shadowOf !== 'string' ||
    typeof header.hour !== 'string' ||
    !count(header.requests) ||
    !count(header.rows) ||
    !count(header.bytes)
  ) {
    throw new Error(
      `shadow lines: a frame header lacks shadowOf, hour, requests, rows or bytes: ${text.slice(0, 80)}`,
    );
  }
  return header as Header;
}

/** Cuts a byte stream of frames into groups, whatever the chunks' boundaries. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private header: Header | undefined;

  /** The groups the chunk completes; throws on a malformed header (the stream cannot be read on). */
  push(chunk: Buffer): ShadowLines[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const groups: ShadowLines[] = [];
    for (;;) {
      if (!this.header) {
        const end = this.pending.indexOf(10);
        if (end < 0) break;
        this.header = parseHeader(this.pending.subarray(0, end).toString('utf8'));
        this.pending = this.pending.subarray(end + 1);
      }
      const { bytes, ...group } = this.header;
      if (this.pending.length < bytes) break;
      groups.push({ ...group, data: this.pending.subarray(0, bytes) });
      this.pending = this.pending.subarray(bytes);
      this.header = undefined;
    }
    return groups;
  }
}
