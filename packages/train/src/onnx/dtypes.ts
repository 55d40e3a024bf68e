/** Element types the builder writes; the numbers are ONNX's TensorProto.DataType. */
export const DTYPE_CODES = {
  float: 1,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  double: 11,
} as const;

export type DType = keyof typeof DTYPE_CODES;

/** A dimension: a size, or a symbolic name for a dynamic one (e.g. 'N' for rows). */
export type Dim = number | string;
