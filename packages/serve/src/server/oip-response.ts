import type { InferRequest } from './oip-request.js';
import { jsonValues, OIP_DATATYPE, type TensorData } from './tensor.js';

export interface EncodedResponse {
  body: string | Buffer;
  headers: Record<string, string>;
}

function binaryBytes(tensor: TensorData): Buffer {
  if (tensor.type !== 'string') {
    const data = tensor.data as Exclude<TensorData['data'], string[]>;
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }
  const parts: Buffer[] = [];
  for (const s of tensor.data as string[]) {
    const bytes = Buffer.from(s, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(bytes.length);
    parts.push(length, bytes);
  }
  return Buffer.concat(parts);
}

/** The response body: JSON, or JSON header + binary tensors when any output asked for binary data. */
export function encodeInferResponse(
  model: { name: string; version: string },
  request: InferRequest,
  outputs: readonly TensorData[],
): EncodedResponse {
  const byName = new Map(outputs.map((o) => [o.name, o]));
  const binaries: Buffer[] = [];
  const described = request.outputs.map(({ name, binary }) => {
    const tensor = byName.get(name) as TensorData;
    const head = { name, datatype: OIP_DATATYPE[tensor.type], shape: tensor.dims };
    if (!binary) return { ...head, data: jsonValues(tensor) };
    const bytes = binaryBytes(tensor);
    binaries.push(bytes);
    return { ...head, parameters: { binary_data_size: bytes.length } };
  });
  const json = JSON.stringify({
    model_name: model.name,
    model_version: model.version,
    ...(request.id !== undefined ? { id: request.id } : {}),
    outputs: described,
  });
  if (binaries.length === 0) return { body: json, headers: { 'content-type': 'application/json' } };
  const header = Buffer.from(json, 'utf8');
  return {
    body: Buffer.concat([header, ...binaries]),
    headers: {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(header.length),
    },
  };
}
