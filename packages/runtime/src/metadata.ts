import { UserError } from '@modelgate/core';

// Field numbers in onnx.proto: ModelProto.metadata_props = 14; StringStringEntryProto key = 1, value = 2.
export const METADATA_PROPS = 14;
const KEY = 1;
const VALUE = 2;

const decoder = new TextDecoder('utf-8', { fatal: false });

/** A protobuf wire-format reader, just enough to walk ModelProto's top-level fields. */
export class Reader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly end = bytes.length,
  ) {}

  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.bytes[this.pos++] as number;
      if (shift < 49) result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
      if (shift > 63) throw new Error('varint too long');
    }
  }

  /** Reads a tag and returns [field, wireType]. */
  tag(): [number, number] {
    const t = this.varint();
    return [Math.floor(t / 8), t % 8];
  }

  bytesField(): Uint8Array {
    const length = this.varint();
    if (this.pos + length > this.end) throw new Error('truncated field');
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytesField();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
    if (this.pos > this.end) throw new Error('truncated field');
  }
}

export function readEntry(bytes: Uint8Array): [string, string] {
  const reader = new Reader(bytes);
  let key = '';
  let value = '';
  while (reader.pos < reader.end) {
    const [field, wire] = reader.tag();
    if (field === KEY && wire === 2) key = decoder.decode(reader.bytesField());
    else if (field === VALUE && wire === 2) value = decoder.decode(reader.bytesField());
    else reader.skip(wire);
  }
  return [key, value];
}

/**
 * The model's metadata_props (e.g. modelgate.task, modelgate.classes), read
 * straight from the protobuf without loading the model.
 */
export function readOnnxMetadata(bytes: Uint8Array, label = 'model'): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    const reader = new Reader(bytes);
    while (reader.pos < reader.end) {
      const [field, wire] = reader.tag();
      if (field === METADATA_PROPS && wire === 2) {
        const [key, value] = readEntry(reader.bytesField());
        out[key] = value;
      } else reader.skip(wire);
    }
  } catch (err) {
    throw new UserError(`${label}: not a valid ONNX model: ${(err as Error).message}`);
  }
  return out;
}
