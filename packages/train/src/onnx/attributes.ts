import type { OnnxTypes } from './proto.js';
import { type TensorData, tensorProto } from './tensors.js';

/**
 * A typed node attribute. Explicit constructors, because a JS number cannot
 * tell an int attribute from a float one (TreeEnsemble thresholds are floats).
 */
export type Attribute =
  | { type: 'int'; value: number }
  | { type: 'ints'; value: readonly number[] }
  | { type: 'float'; value: number }
  | { type: 'floats'; value: ArrayLike<number> }
  | { type: 'string'; value: string }
  | { type: 'strings'; value: readonly string[] }
  | { type: 'tensor'; value: TensorData; dims?: readonly number[] };

export const attr = {
  int: (value: number): Attribute => ({ type: 'int', value }),
  ints: (value: readonly number[]): Attribute => ({ type: 'ints', value }),
  /** Stored as float32, as ONNX does. */
  float: (value: number): Attribute => ({ type: 'float', value }),
  floats: (value: ArrayLike<number>): Attribute => ({ type: 'floats', value }),
  string: (value: string): Attribute => ({ type: 'string', value }),
  strings: (value: readonly string[]): Attribute => ({ type: 'strings', value }),
  tensor: (value: TensorData, dims?: readonly number[]): Attribute =>
    dims ? { type: 'tensor', value, dims } : { type: 'tensor', value },
};

export type Attributes = Readonly<Record<string, Attribute>>;

// AttributeProto.AttributeType numbers.
const FLOAT = 1;
const INT = 2;
const STRING = 3;
const TENSOR = 4;
const FLOATS = 6;
const INTS = 7;
const STRINGS = 8;

const encoder = new TextEncoder();

function checkInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer`);
  return value;
}

export function attributeProto(name: string, a: Attribute): OnnxTypes.IAttributeProto {
  switch (a.type) {
    case 'int':
      return { name, type: INT, i: checkInt(name, a.value) };
    case 'ints':
      return { name, type: INTS, ints: a.value.map((v) => checkInt(name, v)) };
    case 'float':
      return { name, type: FLOAT, f: a.value };
    case 'floats':
      return { name, type: FLOATS, floats: Array.from(a.value) };
    case 'string':
      return { name, type: STRING, s: encoder.encode(a.value) };
    case 'strings':
      return { name, type: STRINGS, strings: a.value.map((s) => encoder.encode(s)) };
    case 'tensor':
      return { name, type: TENSOR, t: tensorProto('', a.value, a.dims) };
  }
}
