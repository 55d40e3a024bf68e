/** Protobuf wire-format writing, just enough to splice ONNX messages without an ONNX library. */

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

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** A length-delimited field (an embedded message, bytes or a string). */
export function messageField(field: number, payload: Uint8Array): Uint8Array {
  return concatBytes([Uint8Array.from([...varint(field * 8 + 2), ...varint(payload.length)]), payload]);
}

/** A varint field (e.g. ModelProto.ir_version). */
export function varintField(field: number, value: number): Uint8Array {
  return Uint8Array.from([...varint(field * 8), ...varint(value)]);
}
