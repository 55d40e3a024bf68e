import type { InferRequest } from './oip-request.js';
import { jsonValues, OIP_DATATYPE, type TensorData } from './tensor.js';

export interface EncodedResponse {
  body: string | Buffer;
  headers: Record<string, string>;
}

/** Bytes of a tensor in the binary extension: raw elements, or per string a u32 LE length + UTF-8. */
function binarySize(tensor: TensorData): number {
  if (tensor.type !== 'string') return (tensor.data as Exclude<TensorData['data'], string[]>).byteLength;
  let size = 0;
  for (const s of tensor.data as string[]) size += 4 + Buffer.byteLength(s, 'utf8');
  return size;
}

/** Writes a tensor's binary bytes at `offset` of `target` (sized by binarySize); returns the end. */
function writeBinary(tensor: TensorData, target: Buffer, offset: number): number {
  if (tensor.type !== 'string') {
    const data = tensor.data as Exclude<TensorData['data'], string[]>;
    target.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    return offset + data.byteLength;
  }
  let at = offset;
  for (const s of tensor.data as string[]) {
    const written = target.write(s, at + 4, 'utf8');
    target.writeUInt32LE(written, at);
    at += 4 + written;
  }
  return at;
}

/** The response body: JSON, or JSON header + binary tensors when any output asked for binary data. */
export function encodeInferResponse(
  model: { name: string; version: string },
  request: InferRequest,
  outputs: readonly TensorData[],
): EncodedResponse {
  const byName = new Map(outputs.map((o) => [o.name, o]));
  const binaries: TensorData[] = [];
  let binaryBytes = 0;
  const described = request.outputs.map(({ name, binary }) => {
    const tensor = byName.get(name) as TensorData;
    const head = { name, datatype: OIP_DATATYPE[tensor.type], shape: tensor.dims };
    if (!binary) return { ...head, data: jsonValues(tensor) };
    const size = binarySize(tensor);
    binaries.push(tensor);
    binaryBytes += size;
    return { ...head, parameters: { binary_data_size: size } };
  });
  const json = JSON.stringify({
    model_name: model.name,
    model_version: model.version,
    ...(request.id !== undefined ? { id: request.id } : {}),
    outputs: described,
  });
  if (binaries.length === 0) return { body: json, headers: { 'content-type': 'application/json' } };
  // One allocation for the header and every tensor: no per-string buffers, no concatenation.
  const headerLength = Buffer.byteLength(json, 'utf8');
  const body = Buffer.allocUnsafe(headerLength + binaryBytes);
  let offset = body.write(json, 0, 'utf8');
  for (const tensor of binaries) offset = writeBinary(tensor, body, offset);
  if (offset !== body.length) throw new Error(`binary response: wrote ${offset} of ${body.length} bytes`);
  return {
    body,
    headers: {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(headerLength),
    },
  };
}
