/**
 * Just enough of the protobuf wire format to splice ONNX messages without
 * decoding them: the user's graph keeps every byte (weights, fields newer
 * than onnx-proto knows) apart from what composition replaces. Writing the
 * fields back is @modelgate/runtime's (concatBytes, messageField, varintField).
 */

/** One field of a message: its number, wire type and where its bytes lie. */
export interface WireField {
  field: number;
  wire: number;
  /** The whole field: tag and value. */
  bytes: Uint8Array;
  /** Length-delimited fields: the payload. */
  payload?: Uint8Array;
  /** Varint fields: the value. */
  value?: number;
}

class Cursor {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.bytes.length) throw new Error('truncated varint');
      const b = this.bytes[this.pos++] as number;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw new Error('varint too long');
    }
  }

  advance(n: number): void {
    this.pos += n;
    if (this.pos > this.bytes.length) throw new Error('truncated field');
  }
}

/** The fields of a message in order; throws on bytes that are not protobuf. */
export function wireFields(bytes: Uint8Array): WireField[] {
  const cursor = new Cursor(bytes);
  const out: WireField[] = [];
  while (cursor.pos < bytes.length) {
    const start = cursor.pos;
    const tag = cursor.varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    const found: Partial<WireField> = {};
    if (wire === 0) found.value = cursor.varint();
    else if (wire === 1) cursor.advance(8);
    else if (wire === 5) cursor.advance(4);
    else if (wire === 2) {
      const length = cursor.varint();
      const from = cursor.pos;
      cursor.advance(length);
      found.payload = bytes.subarray(from, cursor.pos);
    } else throw new Error(`unsupported wire type ${wire}`);
    if (field === 0) throw new Error('field number 0');
    out.push({ field, wire, bytes: bytes.subarray(start, cursor.pos), ...found });
  }
  return out;
}
