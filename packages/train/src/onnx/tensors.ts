import { DTYPE_CODES, type DType } from './dtypes.js';
import type { OnnxTypes } from './proto.js';

/** Tensor contents the builder accepts; the array type decides the ONNX element type. */
export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | readonly string[];

export function dtypeOf(data: TensorData): DType {
  if (data instanceof Float32Array) return 'float';
  if (data instanceof Float64Array) return 'double';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  return 'string';
}

const encoder = new TextEncoder();

/** Little-endian raw bytes: compact, and the same on every machine. */
function rawBytes(data: Exclude<TensorData, readonly string[]>): Uint8Array {
  const out = new Uint8Array(data.length * data.BYTES_PER_ELEMENT);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(i * 4, data[i] as number, true);
    else if (data instanceof Float64Array) view.setFloat64(i * 8, data[i] as number, true);
    else if (data instanceof Int32Array) view.setInt32(i * 4, data[i] as number, true);
    else view.setBigInt64(i * 8, data[i] as bigint, true);
  }
  return out;
}

/** A TensorProto; `dims` defaults to a 1-D tensor of the data's length. */
export function tensorProto(
  name: string,
  data: TensorData,
  dims: readonly number[] = [data.length],
): OnnxTypes.ITensorProto {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== data.length) {
    throw new Error(`tensor ${name}: dims [${dims.join(', ')}] hold ${size} values, got ${data.length}`);
  }
  const dataType = DTYPE_CODES[dtypeOf(data)];
  if (Array.isArray(data)) {
    return { name, dims: [...dims], dataType, stringData: data.map((s) => encoder.encode(s)) };
  }
  return {
    name,
    dims: [...dims],
    dataType,
    rawData: rawBytes(data as Exclude<TensorData, readonly string[]>),
  };
}
