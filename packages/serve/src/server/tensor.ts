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

export type NumericValues = Exclude<TensorValues, string[]>;

const ARRAY_TYPES: Record<
  Exclude<ElementType, 'string'>,
  new (
    buffer: ArrayBuffer,
    offset: number,
    length: number,
  ) => NumericValues
> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

/** `length` elements of `type` over existing memory (byteOffset a multiple of the element size). */
export function typedView(
  type: Exclude<ElementType, 'string'>,
  buffer: ArrayBuffer,
  byteOffset: number,
  length: number,
): NumericValues {
  return new ARRAY_TYPES[type](buffer, byteOffset, length);
}

/** Zero-filled values (empty strings for BYTES). */
export function allocate(type: ElementType, length: number): TensorValues {
  if (type === 'string') return new Array<string>(length).fill('');
  return typedView(type, new ArrayBuffer(ELEMENT_BYTES[type] * length), 0, length);
}

/**
 * Values for a caller that writes every element: the memory is not zeroed first
 * (a measurable share of a busy server's time), and the array owns its buffer
 * from offset 0, so it can be transferred to a worker.
 */
export function allocateUnfilled(type: ElementType, length: number): TensorValues {
  if (type === 'string') return new Array<string>(length);
  return typedView(
    type,
    Buffer.allocUnsafeSlow(ELEMENT_BYTES[type] * length).buffer as ArrayBuffer,
    0,
    length,
  );
}

/**
 * Joins same-named tensors along the first (batch) dimension into fresh
 * values (never one of the parts), numbers in a buffer from `take`.
 */
export function concatRows(
  parts: readonly TensorData[],
  take: (byteLength: number) => ArrayBuffer,
): TensorData {
  const first = parts[0] as TensorData;
  const rows = parts.reduce((sum, p) => sum + (p.dims[0] ?? 0), 0);
  const dims = [rows, ...first.dims.slice(1)];
  if (first.type === 'string') {
    return { ...first, dims, data: parts.flatMap((p) => p.data as string[]) };
  }
  const total = parts.reduce((sum, p) => sum + p.data.length, 0);
  const data = typedView(first.type, take(ELEMENT_BYTES[first.type] * total), 0, total);
  let offset = 0;
  for (const p of parts) {
    (data as Float64Array).set(p.data as Float64Array, offset);
    offset += p.data.length;
  }
  return { ...first, dims, data };
}

/** The buffers behind the numeric tensors (strings have none): what a worker message can move. */
export function numericBuffers(tensors: readonly TensorData[]): ArrayBuffer[] {
  return tensors.flatMap((t) => (Array.isArray(t.data) ? [] : [t.data.buffer as ArrayBuffer]));
}

/** Rows [start, start + count) of a batched tensor. */
export function sliceRows(tensor: TensorData, start: number, count: number): TensorData {
  const perRow = elementCount(tensor.dims.slice(1));
  const from = start * perRow;
  const to = from + count * perRow;
  const whole = tensor.data.length === elementCount(tensor.dims) && from === 0 && to === tensor.data.length;
  // A view on the batch's output, not a copy: requests only read their rows.
  const data = whole
    ? tensor.data
    : Array.isArray(tensor.data)
      ? tensor.data.slice(from, to)
      : tensor.data.subarray(from, to);
  return { name: tensor.name, type: tensor.type, dims: [count, ...tensor.dims.slice(1)], data };
}

/** Rows [start, start + count) of each of a batch's tensors. */
export function rowsOf(tensors: readonly TensorData[], start: number, count: number): TensorData[] {
  return tensors.map((t) => sliceRows(t, start, count));
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
