import { badRequest } from './http-error.js';
import type { ModelVersion } from './models.js';
import { listNames, packColumns, packedForms } from './packed-input.js';
import {
  allocateUnfilled,
  ELEMENT_BYTES,
  ELEMENT_TYPE,
  type ElementType,
  elementCount,
  OIP_DATATYPE,
  type TensorData,
  type TensorValues,
  typedView,
} from './tensor.js';

/** A validated Open Inference Protocol request: inputs in the model's input order. */
export interface InferRequest {
  id: string | undefined;
  inputs: TensorData[];
  rows: number;
  /** Requested outputs (all when the request names none), each with whether to send it as binary. */
  outputs: { name: string; binary: boolean }[];
}

const MAX_RANK = 8;
const MAX_NESTING = MAX_RANK + 1;
/** Per request; the body limit bounds JSON anyway, but binary payloads could claim more. */
const MAX_ELEMENTS = 50_000_000;

const INT_RANGE: Partial<Record<ElementType, [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  return typeof value === 'object' ? 'an object' : String(value);
}

function flatten(name: string, data: unknown[]): unknown[] {
  // The common case, a flat array of numbers, needs no copy.
  if (!data.some(Array.isArray)) {
    if (data.length > MAX_ELEMENTS) throw badRequest(`input '${name}': more than ${MAX_ELEMENTS} elements`);
    return data;
  }
  const out: unknown[] = [];
  const stack: [unknown[], number, number][] = [[data, 0, 1]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as [unknown[], number, number];
    const [array, index, depth] = top;
    if (index >= array.length) {
      stack.pop();
      continue;
    }
    top[1] = index + 1;
    const value = array[index];
    if (Array.isArray(value)) {
      if (depth >= MAX_NESTING)
        throw badRequest(`input '${name}': data is nested deeper than the shape allows`);
      stack.push([value, 0, depth + 1]);
    } else {
      out.push(value);
      if (out.length > MAX_ELEMENTS) throw badRequest(`input '${name}': more than ${MAX_ELEMENTS} elements`);
    }
  }
  return out;
}

/** Typed values from JSON elements, naming the input and the first bad element. */
export function fromJsonValues(name: string, type: ElementType, values: readonly unknown[]): TensorValues {
  const out = allocateUnfilled(type, values.length);
  const bad = (i: number, expected: string) =>
    badRequest(`input '${name}': element ${i} is ${describe(values[i])}, expected ${expected}`);
  if (type === 'string') {
    const strings = out as string[];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'string') throw bad(i, 'a string (BYTES)');
      strings[i] = v;
    }
    return strings;
  }
  if (type === 'bool') {
    const bools = out as Uint8Array;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'boolean') throw bad(i, 'true or false (BOOL)');
      bools[i] = v ? 1 : 0;
    }
    return bools;
  }
  if (type === 'float32' || type === 'float64') {
    const floats = out as Float64Array;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null) floats[i] = Number.NaN;
      else if (typeof v === 'number') floats[i] = v;
      else throw bad(i, `a number or null (${OIP_DATATYPE[type]})`);
    }
    return floats;
  }
  const [min, max] = INT_RANGE[type] as [number, number];
  const big = type === 'int64' || type === 'uint64';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw bad(i, `an integer in [${min}, ${max}] (${OIP_DATATYPE[type]})`);
    }
    if (big) (out as BigInt64Array)[i] = BigInt(v);
    else (out as Int32Array)[i] = v;
  }
  return out;
}

/** Binary tensor data extension: raw little-endian elements, or 4-byte-length-prefixed strings. */
export function fromBinary(name: string, type: ElementType, bytes: Buffer, count: number): TensorValues {
  if (type === 'string') {
    const out: string[] = [];
    let pos = 0;
    while (pos < bytes.length) {
      if (pos + 4 > bytes.length) throw badRequest(`input '${name}': truncated BYTES element length`);
      const length = bytes.readUInt32LE(pos);
      pos += 4;
      if (pos + length > bytes.length) throw badRequest(`input '${name}': truncated BYTES element`);
      out.push(bytes.toString('utf8', pos, pos + length));
      pos += length;
    }
    if (out.length !== count) {
      throw badRequest(`input '${name}': binary data holds ${out.length} elements, the shape needs ${count}`);
    }
    return out;
  }
  const size = ELEMENT_BYTES[type];
  if (bytes.length !== count * size) {
    throw badRequest(
      `input '${name}': binary_data_size is ${bytes.length} bytes, expected ${count * size} (${count} × ${OIP_DATATYPE[type]})`,
    );
  }
  // Read in place when aligned (the server's body reader aligns the tensors); copied otherwise.
  if (bytes.byteOffset % size === 0)
    return typedView(type, bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
  return typedView(type, new Uint8Array(bytes).buffer, 0, count);
}

function parseShape(name: string, raw: unknown, expected: readonly number[]): number[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_RANK) {
    throw badRequest(`input '${name}': shape must be an array of 1 to ${MAX_RANK} non-negative integers`);
  }
  const shape = raw.map((d) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > MAX_ELEMENTS) {
      throw badRequest(
        `input '${name}': shape ${JSON.stringify(raw)} has a dimension that is not a non-negative integer`,
      );
    }
    return d;
  });
  const want = `[${expected.map((d) => (d < 0 ? '-1' : String(d))).join(', ')}]`;
  if (expected.length > 0) {
    // A model taking [N, 1] also takes a flat [N] column, the common client habit.
    const flatColumn = expected.length === 2 && expected[1] === 1 && shape.length === 1;
    if (flatColumn) shape.push(1);
    else if (
      shape.length !== expected.length ||
      shape.some((d, i) => (expected[i] as number) >= 0 && d !== expected[i])
    ) {
      throw badRequest(`input '${name}': shape ${JSON.stringify(raw)}, expected ${want}`);
    }
  }
  const count = elementCount(shape);
  if (count === 0) throw badRequest(`input '${name}': shape ${JSON.stringify(raw)} holds no elements`);
  if (count > MAX_ELEMENTS)
    throw badRequest(
      `input '${name}': shape ${JSON.stringify(raw)} holds more than ${MAX_ELEMENTS} elements`,
    );
  return shape;
}

function binarySize(name: string, parameters: unknown): number | undefined {
  if (!isObject(parameters) || parameters.binary_data_size === undefined) return undefined;
  const size = parameters.binary_data_size;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
    throw badRequest(`input '${name}': parameters.binary_data_size must be a non-negative integer`);
  }
  return size;
}

function datatypes(types: readonly ElementType[]): string {
  return types.map((t) => OIP_DATATYPE[t]).join(' or ');
}

/** One request input, checked against what the model accepts under that name. */
function parseInput(
  model: ModelVersion,
  raw: Record<string, unknown>,
  binary: Buffer | undefined,
  offset: { at: number },
): TensorData {
  const name = raw.name as string;
  const accepted = model.io.inputs.get(name);
  if (!accepted) {
    const forms = model.io.packed ? `; it takes ${packedForms(model.io.packed)}` : '';
    throw badRequest(
      `unknown input '${name}'; the model's inputs are ${listNames(model.signature.inputs.map((t) => t.name))}${forms}`,
    );
  }
  const type = typeof raw.datatype === 'string' ? ELEMENT_TYPE[raw.datatype] : undefined;
  if (type === undefined || !accepted.types.includes(type)) {
    const given = typeof raw.datatype === 'string' ? raw.datatype.slice(0, 20) : describe(raw.datatype);
    throw badRequest(`input '${name}': datatype ${given}, expected ${datatypes(accepted.types)}`);
  }
  const dims = parseShape(name, raw.shape, accepted.shape);
  const count = elementCount(dims);
  const size = binarySize(name, raw.parameters);
  let data: TensorValues;
  if (size !== undefined) {
    if (!binary || offset.at + size > binary.length) {
      throw badRequest(`input '${name}': binary_data_size ${size} runs past the end of the binary data`);
    }
    data = fromBinary(name, type, binary.subarray(offset.at, offset.at + size), count);
    offset.at += size;
  } else {
    if (!Array.isArray(raw.data)) throw badRequest(`input '${name}': "data" must be an array`);
    const values = flatten(name, raw.data);
    if (values.length !== count) {
      throw badRequest(
        `input '${name}': data has ${values.length} elements, shape ${JSON.stringify(raw.shape)} needs ${count}`,
      );
    }
    data = fromJsonValues(name, type, values);
  }
  return { name, type, dims, data };
}

/** The model's inputs in its order: as given, or (a packed model) packed from one input per feature. */
function modelInputs(model: ModelVersion, given: ReadonlyMap<string, TensorData>): TensorData[] {
  const { packed } = model.io;
  if (packed && !given.has(packed.name)) return [packColumns(packed, given, 'input')];
  if (packed && given.size > 1) {
    const extra = [...given.keys()].filter((n) => n !== packed.name);
    throw badRequest(
      `input ${listNames(extra)} given with the packed input '${packed.name}'; send ${packedForms(packed)}, not both`,
    );
  }
  return model.signature.inputs.map((t) => {
    const tensor = given.get(t.name);
    if (!tensor) throw badRequest(`missing input '${t.name}' (${OIP_DATATYPE[t.type as ElementType]})`);
    return tensor;
  });
}

/**
 * Checks an infer request against what the model accepts: every input once,
 * datatype, shape, element count and element types, one batch size.
 */
export function parseInferRequest(model: ModelVersion, body: unknown, binary?: Buffer): InferRequest {
  if (!isObject(body)) throw badRequest('the request body must be a JSON object with "inputs"');
  const { id, inputs, outputs, parameters } = body;
  if (id !== undefined && typeof id !== 'string') throw badRequest('"id" must be a string');
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw badRequest('"inputs" must be a non-empty array of {name, shape, datatype, data}');
  }
  const given = new Map<string, TensorData>();
  const offset = { at: 0 };
  for (const raw of inputs) {
    if (!isObject(raw) || typeof raw.name !== 'string')
      throw badRequest('each input must be an object with a "name"');
    if (given.has(raw.name)) throw badRequest(`input '${raw.name}' is given more than once`);
    given.set(raw.name, parseInput(model, raw, binary, offset));
  }
  const ordered = modelInputs(model, given);
  const rows = (ordered[0] as TensorData).dims[0] as number;
  const mismatch = ordered.find((t) => t.dims[0] !== rows);
  if (mismatch) {
    throw badRequest(
      `input '${mismatch.name}' has ${mismatch.dims[0]} rows, input '${(ordered[0] as TensorData).name}' has ${rows}; every input needs the same first dimension`,
    );
  }
  const binaryAll = isObject(parameters) && parameters.binary_data_output === true;
  return { id, inputs: ordered, rows, outputs: parseOutputs(model, outputs, binaryAll) };
}

function parseOutputs(model: ModelVersion, raw: unknown, binaryAll: boolean): InferRequest['outputs'] {
  const known = model.io.outputs.map((o) => o.name);
  if (raw === undefined) return known.map((name) => ({ name, binary: binaryAll }));
  if (!Array.isArray(raw)) throw badRequest('"outputs" must be an array of {name}');
  return raw.map((o) => {
    if (!isObject(o) || typeof o.name !== 'string')
      throw badRequest('each requested output must be an object with a "name"');
    if (!known.includes(o.name)) {
      throw badRequest(
        `unknown output '${o.name}'; the model's outputs are ${known.map((n) => `'${n}'`).join(', ')}`,
      );
    }
    const binary =
      isObject(o.parameters) && typeof o.parameters.binary_data === 'boolean'
        ? o.parameters.binary_data
        : binaryAll;
    return { name: o.name, binary };
  });
}
