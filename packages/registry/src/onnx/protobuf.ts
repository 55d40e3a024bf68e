/** One field of a protobuf message: a varint value, or the bytes of a length-delimited field. */
export type ProtoField =
  | { field: number; wire: 'varint'; value: bigint }
  | { field: number; wire: 'bytes'; value: Uint8Array }
  | { field: number; wire: 'fixed' };

export class ProtoError extends Error {
  override readonly name = 'ProtoError';
}

function readVarint(buf: Uint8Array, start: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  for (let i = start; i < buf.length && shift < 70n; i++) {
    const byte = buf[i] as number;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
    shift += 7n;
  }
  throw new ProtoError(`truncated varint at byte ${start}`);
}

/**
 * The fields of one message, in order: enough of the wire format to read an
 * ONNX model's graph inputs and outputs without a generated decoder. Large
 * fields (weights) are skipped by their length, never copied.
 */
export function* protoFields(buf: Uint8Array): Generator<ProtoField> {
  let pos = 0;
  while (pos < buf.length) {
    const key = readVarint(buf, pos);
    pos = key.next;
    const field = Number(key.value >> 3n);
    const wire = Number(key.value & 7n);
    if (field === 0) throw new ProtoError(`field number 0 at byte ${pos}`);
    if (wire === 0) {
      const v = readVarint(buf, pos);
      pos = v.next;
      yield { field, wire: 'varint', value: v.value };
    } else if (wire === 2) {
      const len = readVarint(buf, pos);
      const end = len.next + Number(len.value);
      if (end > buf.length) throw new ProtoError(`field ${field} runs past the end (byte ${pos})`);
      yield { field, wire: 'bytes', value: buf.subarray(len.next, end) };
      pos = end;
    } else if (wire === 1 || wire === 5) {
      pos += wire === 1 ? 8 : 4;
      if (pos > buf.length) throw new ProtoError(`field ${field} runs past the end`);
      yield { field, wire: 'fixed' };
    } else {
      throw new ProtoError(`unsupported wire type ${wire} at byte ${pos}`);
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function protoString(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** A signed int64 read as a varint (two's complement for negatives). */
export function protoInt64(value: bigint): number {
  return Number(BigInt.asIntN(64, value));
}
