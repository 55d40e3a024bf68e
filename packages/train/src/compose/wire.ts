import { ProtobufReader } from '@modelgate/runtime';

/**
 * Just enough of the protobuf wire format to splice ONNX messages without
 * decoding them: the user's graph keeps every byte (weights, fields newer
 * than the generated bindings know) apart from what composition replaces.
 * Reading goes through @modelgate/runtime's reader, writing the fields back
 * through its concatBytes, messageField and varintField.
 */

/** One field of a message: its number, wire type and where its bytes lie. */
export interface WireField {
  field: number;
  wire: number;
  /** The whole field: tag and value. */
  bytes: Uint8Array;
  /** Length-delimited fields: the payload. */
  payload?: Uint8Array;
}

/** The fields of a message in order; throws on bytes that are not protobuf. */
export function wireFields(bytes: Uint8Array): WireField[] {
  const reader = new ProtobufReader(bytes);
  const out: WireField[] = [];
  while (reader.pos < reader.end) {
    const start = reader.pos;
    const [field, wire] = reader.tag();
    if (field === 0) throw new Error('field number 0');
    const found: Partial<WireField> = {};
    if (wire === 2) found.payload = reader.bytesField();
    else reader.skip(wire);
    out.push({ field, wire, bytes: bytes.subarray(start, reader.pos), ...found });
  }
  return out;
}
