import { numberFromText } from '@modelgate/runtime';
import { parseCsv } from './csv.js';
import { badRequest } from './http-error.js';
import type { PackedFeature } from './model-io.js';
import type { ModelVersion } from './models.js';
import { fromJsonValues } from './oip-request.js';
import { checkFeatureNames, listNames, packColumns, packedForms } from './packed-input.js';
import { packedFromSplit } from './packed-split.js';
import { type ElementType, elementCount, jsonValues, type TensorData } from './tensor.js';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type Columns = Map<string, unknown[]>;

function fromRecords(records: unknown[], what: string): Columns {
  const columns: Columns = new Map();
  records.forEach((record, r) => {
    if (!isObject(record)) throw badRequest(`${what}: record ${r} is not an object of column values`);
    for (const [name, value] of Object.entries(record)) {
      let column = columns.get(name);
      if (!column) {
        column = new Array<unknown>(records.length).fill(null);
        columns.set(name, column);
      }
      column[r] = value;
    }
  });
  return columns;
}

function fromSplit(split: unknown): Columns {
  if (!isObject(split) || !Array.isArray(split.columns) || !Array.isArray(split.data)) {
    throw badRequest('dataframe_split: expected {"columns": [...], "data": [[...], ...]}');
  }
  const names = split.columns.map((c) => String(c));
  const rows = split.data;
  const columns: Columns = new Map(names.map((n) => [n, new Array<unknown>(rows.length)]));
  rows.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== names.length) {
      throw badRequest(
        `dataframe_split: row ${r} must be an array of ${names.length} values (one per column)`,
      );
    }
    names.forEach((n, j) => {
      (columns.get(n) as unknown[])[r] = row[j];
    });
  });
  return columns;
}

function fromColumnar(inputs: Record<string, unknown>): Columns {
  const columns: Columns = new Map();
  for (const [name, values] of Object.entries(inputs)) {
    if (!Array.isArray(values)) throw badRequest(`inputs: column '${name}' must be an array of values`);
    columns.set(name, values);
  }
  return columns;
}

function fromJsonBody(body: unknown): Columns {
  if (!isObject(body)) {
    throw badRequest('expected a JSON object with dataframe_split, dataframe_records, instances or inputs');
  }
  if (body.dataframe_split !== undefined) return fromSplit(body.dataframe_split);
  if (body.dataframe_records !== undefined) {
    if (!Array.isArray(body.dataframe_records))
      throw badRequest('dataframe_records: expected an array of records');
    return fromRecords(body.dataframe_records, 'dataframe_records');
  }
  for (const key of ['instances', 'inputs'] as const) {
    const value = body[key];
    if (value === undefined) continue;
    if (Array.isArray(value)) return fromRecords(value, key);
    if (isObject(value)) return fromColumnar(value);
    throw badRequest(`${key}: expected an array of records or an object of columns`);
  }
  throw badRequest('expected one of dataframe_split, dataframe_records, instances or inputs');
}

function fromCsv(text: string): Columns {
  const { columns, rows } = parseCsv(text);
  return new Map(columns.map((name, j) => [name, rows.map((row) => row[j] as string)]));
}

/**
 * CSV cells and JSON scalars as the element type wants them: null is missing;
 * JSON true and false in a numeric column are 1 and 0. Text in a numeric column
 * is read by `modelgate predict`'s rule (`numberFromText`), so a cell scores
 * here exactly when predict scores it; text that is not a number stays text,
 * which the tensor refuses naming the column and row.
 */
function coerce(type: ElementType, value: unknown): unknown {
  if (type === 'string')
    return value === null || value === undefined ? '' : typeof value === 'object' ? value : String(value);
  if (typeof value === 'boolean') return type === 'bool' ? value : Number(value);
  if (typeof value !== 'string') return value ?? null;
  if (type === 'bool') return value === 'true' ? true : value === 'false' ? false : value;
  const n = numberFromText(value);
  return n === undefined ? value : n;
}

function toTensor(model: ModelVersion, index: number, values: unknown[]): TensorData {
  const input = model.signature.inputs[index] as ModelVersion['signature']['inputs'][number];
  const type = input.type as ElementType;
  // The accepted shape: a packed input's dynamic width is the spec's feature count.
  const shape = model.io.inputs.get(input.name)?.shape ?? input.shape;
  const trailing = shape.slice(1);
  const fixedWidth = trailing.every((d) => d >= 0) ? elementCount(trailing) : undefined;
  const rowValues = values.map((v) => (Array.isArray(v) ? v.flat(8) : [v]));
  const width = fixedWidth ?? rowValues[0]?.length ?? 1;
  rowValues.forEach((row, r) => {
    if (row.length !== width) {
      throw badRequest(`column '${input.name}': row ${r} has ${row.length} values, expected ${width}`);
    }
  });
  const flat = rowValues.flat().map((v) => coerce(type, v));
  const dims =
    shape.length <= 1 ? [values.length] : [values.length, ...trailing.map((d) => (d < 0 ? width : d))];
  return { name: input.name, type, dims, data: fromJsonValues(input.name, type, flat) };
}

/** A packed model's column: numbers (null or '' missing), or category names for a categorical feature. */
function featureTensor(feature: PackedFeature, values: unknown[]): TensorData {
  const type: ElementType = feature.codes ? 'string' : 'float64';
  const data = fromJsonValues(
    feature.name,
    type,
    values.map((v) => coerce(type, v)),
  );
  return { name: feature.name, type, dims: [values.length], data };
}

/**
 * MLflow scoring-server payloads (JSON formats or text/csv) as model inputs:
 * one column per input, or for a packed model also one column per feature.
 */
export function parseInvocation(
  model: ModelVersion,
  contentType: string,
  body: unknown,
): { inputs: TensorData[]; rows: number } {
  const csv = contentType.startsWith('text/csv');
  const { packed } = model.io;
  if (packed && !csv && isObject(body) && isObject(body.dataframe_split)) {
    const fast = packedFromSplit(packed, body.dataframe_split, coerce);
    if (fast) return fast;
  }
  const columns = csv ? fromCsv(String(body)) : fromJsonBody(body);
  const names = model.signature.inputs.map((i) => i.name);
  const unknown = [...columns.keys()].filter((name) => !names.includes(name));
  if (unknown.length > 0 && !packed) {
    throw badRequest(`unknown column '${unknown[0]}'; the model's inputs are ${listNames(names)}`);
  }
  const lengths = new Set([...columns.values()].map((c) => c.length));
  if (lengths.size > 1) throw badRequest('every column needs the same number of rows');
  const rows = [...lengths][0] ?? 0;
  if (rows === 0) throw badRequest('expected at least one row');
  if (packed && !columns.has(packed.name)) {
    checkFeatureNames(packed, columns.keys(), 'column');
    const tensors = new Map(
      packed.features.map((f) => [f.name, featureTensor(f, columns.get(f.name) as unknown[])]),
    );
    return { inputs: [packColumns(packed, tensors, 'column')], rows };
  }
  if (packed && unknown.length > 0) {
    throw badRequest(
      `column ${listNames(unknown)} given with the packed input '${packed.name}'; send ${packedForms(packed)}, not both`,
    );
  }
  const inputs = names.map((name, i) => {
    const values = columns.get(name);
    if (!values) throw badRequest(`missing column '${name}' (a model input)`);
    return toTensor(model, i, values);
  });
  return { inputs, rows };
}

function rowValue(tensor: TensorData, values: unknown[], r: number): unknown {
  const width = tensor.dims.length <= 1 ? 1 : elementCount(tensor.dims.slice(1));
  return width === 1 ? values[r] : values.slice(r * width, (r + 1) * width);
}

/** `{"predictions": [...]}`: one value per row, or one record per row when the model has several outputs. */
export function encodeInvocation(outputs: readonly TensorData[], rows: number): string {
  const values = outputs.map((o) => jsonValues(o));
  const predictions = new Array<unknown>(rows);
  for (let r = 0; r < rows; r++) {
    if (outputs.length === 1) predictions[r] = rowValue(outputs[0] as TensorData, values[0] as unknown[], r);
    else {
      const record: Record<string, unknown> = {};
      outputs.forEach((o, k) => {
        record[o.name] = rowValue(o, values[k] as unknown[], r);
      });
      predictions[r] = record;
    }
  }
  return JSON.stringify({ predictions });
}
