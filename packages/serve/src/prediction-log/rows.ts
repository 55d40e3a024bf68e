import type { PredictionLogEntry, PredictionRole } from './types.js';

export type LoggedValue = number | string | boolean | null | LoggedValue[] | { [key: string]: LoggedValue };
export type LoggedColumns = Record<string, LoggedValue[]>;

/** A request's columns copied out of the caller's (possibly reused) buffers. */
export interface BufferedRequest {
  time: Date;
  requestId: string;
  model: string;
  version: string;
  rows: number;
  inputs: LoggedColumns;
  outputs: LoggedColumns;
  role?: PredictionRole;
  /** A shadow request: the production model whose directory it goes to. */
  shadowOf?: string;
  latencyMs?: number;
}

/** What JSON can hold: NaN and ±inf become null, bigint a number (or a string when unsafe), Date ISO. */
export function loggedValue(value: unknown): LoggedValue {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'string':
    case 'boolean':
      return value;
    case 'bigint':
      return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(value)
        : value.toString();
    case 'object':
      if (value === null) return null;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
      if (Array.isArray(value) || ArrayBuffer.isView(value)) {
        return Array.from(value as ArrayLike<unknown>, loggedValue);
      }
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, loggedValue(v)]));
    default:
      return null;
  }
}

/** The columns' first `rows` values as JSON can hold them (see loggedValue), copied; missing ones null. */
export function loggedColumns(columns: Record<string, ArrayLike<unknown>>, rows: number): LoggedColumns {
  const out: LoggedColumns = {};
  for (const [name, values] of Object.entries(columns)) {
    const copy = new Array<LoggedValue>(rows);
    for (let i = 0; i < rows; i++) copy[i] = i < values.length ? loggedValue(values[i]) : null;
    out[name] = copy;
  }
  return out;
}

function validTime(time: unknown): Date {
  const ms = time instanceof Date ? time.getTime() : Number.NaN;
  return new Date(Number.isNaN(ms) ? Date.now() : ms);
}

/** The entry's shadow fields, checked: a shadow entry without the production it shadows cannot be placed. */
function roleFields(entry: PredictionLogEntry): Pick<BufferedRequest, 'role' | 'shadowOf' | 'latencyMs'> {
  if (entry.role === undefined) return {};
  if (entry.role === 'production') return { role: 'production' };
  if (entry.role !== 'shadow') {
    throw new Error(`prediction log: role ${String(entry.role)}: expected production or shadow.`);
  }
  if (typeof entry.shadowOf !== 'string') {
    throw new Error('prediction log: a shadow entry needs shadowOf, the production model it shadows.');
  }
  const latencyMs = Number(entry.latencyMs);
  return {
    role: 'shadow',
    shadowOf: entry.shadowOf,
    ...(Number.isFinite(latencyMs) ? { latencyMs } : {}),
  };
}

export function bufferRequest(entry: PredictionLogEntry): BufferedRequest {
  const rows = Math.max(0, Math.floor(entry.rows));
  return {
    time: validTime(entry.time),
    requestId: String(entry.requestId),
    model: String(entry.model),
    version: String(entry.version),
    rows,
    inputs: loggedColumns(entry.inputs, rows),
    outputs: loggedColumns(entry.outputs, rows),
    ...roleFields(entry),
  };
}

/** `"name":` as JSON, kept per name: a model's columns are the same few names on every line. */
const jsonKeys = new Map<string, string>();
const MAX_KEPT_KEYS = 10_000;

function jsonKey(name: string): string {
  let key = jsonKeys.get(name);
  if (key === undefined) {
    key = `${JSON.stringify(name)}:`;
    if (jsonKeys.size < MAX_KEPT_KEYS) jsonKeys.set(name, key);
  }
  return key;
}

/** A value as JSON.stringify writes it inside an object (missing as null). */
function jsonValue(value: LoggedValue | undefined): string {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'undefined':
      return 'null';
    default:
      return value === null ? 'null' : JSON.stringify(value);
  }
}

/** Row `i` of the columns as a JSON object, the columns in their object's order. */
function jsonRow(columns: LoggedColumns, keys: readonly string[], i: number): string {
  let out = '{';
  for (let k = 0; k < keys.length; k++) {
    const name = keys[k] as string;
    out += `${k > 0 ? ',' : ''}${jsonKey(name)}${jsonValue((columns[name] as LoggedValue[])[i])}`;
  }
  return `${out}}`;
}

/** What a request's lines start with, up to the row number: `{"time":…,"row":`. */
export function lineHead(
  request: Pick<BufferedRequest, 'time' | 'requestId' | 'model' | 'version' | 'role'>,
): string {
  return (
    `{"time":${JSON.stringify(request.time.toISOString())},"request_id":${JSON.stringify(request.requestId)}` +
    `,"model":${JSON.stringify(request.model)},"version":${JSON.stringify(request.version)}` +
    `${request.role !== undefined ? `,"role":${JSON.stringify(request.role)}` : ''},"row":`
  );
}

/** What a request's lines end with, after the outputs. */
export function lineTail(latencyMs: number | undefined): string {
  return latencyMs !== undefined
    ? `,"latency_ms":${jsonValue(Math.round(latencyMs * 1000) / 1000)}}\n`
    : '}\n';
}

/** Columns and their names in their object's order (the order JSON.stringify writes them in). */
export interface LineColumns {
  inputs: LoggedColumns;
  inputKeys: readonly string[];
  outputs: LoggedColumns;
  outputKeys: readonly string[];
}

export function lineColumns(inputs: LoggedColumns, outputs: LoggedColumns): LineColumns {
  return { inputs, inputKeys: Object.keys(inputs), outputs, outputKeys: Object.keys(outputs) };
}

/**
 * Pushes the lines of `count` rows of `columns` from row `from`, numbered from 0: exactly what
 * JSON.stringify gives for `{time, request_id, model, version, role?, row, inputs: {…}, outputs: {…},
 * latency_ms?}` and a newline, written without building that object per row (the log's writer, and
 * a shadow's process, write every row).
 */
export function pushRowLines(
  into: string[],
  head: string,
  tail: string,
  columns: LineColumns,
  from: number,
  count: number,
): void {
  for (let i = 0; i < count; i++) {
    into.push(
      `${head}${i},"inputs":${jsonRow(columns.inputs, columns.inputKeys, from + i)}` +
        `,"outputs":${jsonRow(columns.outputs, columns.outputKeys, from + i)}${tail}`,
    );
  }
}

/** One JSON line per row, each ending in '\n' (see pushRowLines). */
export function requestLines(request: BufferedRequest): string[] {
  const lines: string[] = [];
  const columns = lineColumns(request.inputs, request.outputs);
  pushRowLines(lines, lineHead(request), lineTail(request.latencyMs), columns, 0, request.rows);
  return lines;
}
