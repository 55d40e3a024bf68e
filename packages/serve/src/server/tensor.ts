/** onnxruntime element types the server accepts and returns as tensors. */
export type ElementType =
  | 'float32'
  | 'float64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'string';

export type TensorValues =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | string[];

/** A tensor as it travels between the HTTP layer and the inference workers (structured-clone friendly). */
export interface TensorData {
  name: string;
  type: ElementType;
  dims: number[];
  data: TensorValues;
}

/** Open Inference Protocol datatype names for each element type. */
export const OIP_DATATYPE: Record<ElementType, string> = {
  float32: 'FP32',
  float64: 'FP64',
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  uint8: 'UINT8',
  uint16: 'UINT16',
  uint32: 'UINT32',
  uint64: 'UINT64',
  bool: 'BOOL',
  string: 'BYTES',
};

export const ELEMENT_TYPE: Record<string, ElementType> = Object.fromEntries(
  Object.entries(OIP_DATATYPE).map(([type, datatype]) => [datatype, type as ElementType]),
);

export function isElementType(type: string): type is ElementType {
  return type in OIP_DATATYPE;
}

/** Bytes per element in the binary tensor extension; strings are length-prefixed instead. */
export const ELEMENT_BYTES: Record<Exclude<ElementType, 'string'>, number> = {
  float32: 4,
  float64: 8,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  bool: 1,
};

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function allocate(type: ElementType, length: number): TensorValues {
  switch (type) {
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'int64':
      return new BigInt64Array(length);
    case 'uint8':
    case 'bool':
      return new Uint8Array(length);
    case 'uint16':
      return new Uint16Array(length);
    case 'uint32':
      return new Uint32Array(length);
    case 'uint64':
      return new BigUint64Array(length);
    case 'string':
      return new Array<string>(length).fill('');
  }
}

/** Joins same-named tensors along the first (batch) dimension. */
export function concatRows(parts: readonly TensorData[]): TensorData {
  const first = parts[0] as TensorData;
  if (parts.length === 1) return first;
  const rows = parts.reduce((sum, p) => sum + (p.dims[0] ?? 0), 0);
  const dims = [rows, ...first.dims.slice(1)];
  if (first.type === 'string') {
    return { ...first, dims, data: parts.flatMap((p) => p.data as string[]) };
  }
  const total = parts.reduce((sum, p) => sum + p.data.length, 0);
  const data = allocate(first.type, total) as Exclude<TensorValues, string[]>;
  let offset = 0;
  for (const p of parts) {
    (data as Float64Array).set(p.data as Float64Array, offset);
    offset += p.data.length;
  }
  return { ...first, dims, data };
}

/** Rows [start, start + count) of a batched tensor. */
export function sliceRows(tensor: TensorData, start: number, count: number): TensorData {
  const perRow = elementCount(tensor.dims.slice(1));
  const from = start * perRow;
  const to = from + count * perRow;
  const data =
    tensor.data.length === elementCount(tensor.dims) && from === 0 && to === tensor.data.length
      ? tensor.data
      : tensor.data.slice(from, to);
  return { name: tensor.name, type: tensor.type, dims: [count, ...tensor.dims.slice(1)], data };
}

/** JSON-safe flat values: bigints become numbers, bools become booleans, NaN becomes null. */
export function jsonValues(tensor: TensorData): unknown[] {
  const { data, type } = tensor;
  if (type === 'string') return data as string[];
  if (type === 'bool') return Array.from(data as Uint8Array, (v) => v !== 0);
  if (type === 'int64' || type === 'uint64') return Array.from(data as BigInt64Array, Number);
  const out = new Array<number | null>(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = (data as Float64Array)[i] as number;
    out[i] = Number.isFinite(v) ? v : null;
  }
  return out;
}
