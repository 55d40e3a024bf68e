import { UserError } from '@modelgate/core';
import { METADATA_PROPS, Reader, readEntry } from '../metadata.js';

const encoder = new TextEncoder();

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  const head = [...varint(field * 8 + 2), ...varint(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

function entry(key: string, value: string): Uint8Array {
  const k = lengthDelimited(1, encoder.encode(key));
  const v = lengthDelimited(2, encoder.encode(value));
  const both = new Uint8Array(k.length + v.length);
  both.set(k, 0);
  both.set(v, k.length);
  return lengthDelimited(METADATA_PROPS, both);
}

/**
 * The model with `props` set in its metadata_props: entries with the same keys
 * are dropped, every other byte of the file is kept as it was (the graph, its
 * weights and the user's own metadata), and the new entries are appended,
 * which protobuf reads as more elements of the repeated field.
 */
export function stampMetadata(
  bytes: Uint8Array,
  props: Readonly<Record<string, string>>,
  label = 'model',
): Uint8Array {
  const replaced = new Set(Object.keys(props));
  const kept: Uint8Array[] = [];
  try {
    const reader = new Reader(bytes);
    while (reader.pos < reader.end) {
      const start = reader.pos;
      const [field, wire] = reader.tag();
      if (field === METADATA_PROPS && wire === 2) {
        const [key] = readEntry(reader.bytesField());
        if (replaced.has(key)) continue;
      } else reader.skip(wire);
      kept.push(bytes.subarray(start, reader.pos));
    }
  } catch (err) {
    throw new UserError(`${label}: not a valid ONNX model: ${(err as Error).message}`);
  }
  const added = Object.entries(props).map(([key, value]) => entry(key, value));
  const parts = [...kept, ...added];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
