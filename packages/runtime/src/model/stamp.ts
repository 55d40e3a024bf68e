import { UserError } from '@modelgate/core';
import { METADATA_PROPS, Reader, readEntry } from '../metadata.js';
import { concatBytes, messageField } from '../protobuf-write.js';

const encoder = new TextEncoder();

function entry(key: string, value: string): Uint8Array {
  const both = concatBytes([messageField(1, encoder.encode(key)), messageField(2, encoder.encode(value))]);
  return messageField(METADATA_PROPS, both);
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
  return concatBytes([...kept, ...added]);
}
