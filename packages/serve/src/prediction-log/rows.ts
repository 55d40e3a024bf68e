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

function copyColumns(columns: Record<string, ArrayLike<unknown>>, rows: number): LoggedColumns {
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
    inputs: copyColumns(entry.inputs, rows),
    outputs: copyColumns(entry.outputs, rows),
    ...roleFields(entry),
  };
}

function rowOf(columns: LoggedColumns, i: number): Record<string, LoggedValue> {
  const row: Record<string, LoggedValue> = {};
  for (const [name, values] of Object.entries(columns)) row[name] = values[i] ?? null;
  return row;
}

/** One JSON line per row, each ending in '\n'. */
export function requestLines(request: BufferedRequest): string[] {
  const head = {
    time: request.time.toISOString(),
    request_id: request.requestId,
    model: request.model,
    version: request.version,
    ...(request.role !== undefined ? { role: request.role } : {}),
  };
  const tail =
    request.latencyMs !== undefined ? { latency_ms: Math.round(request.latencyMs * 1000) / 1000 } : {};
  const lines: string[] = [];
  for (let i = 0; i < request.rows; i++) {
    const line = {
      ...head,
      row: i,
      inputs: rowOf(request.inputs, i),
      outputs: rowOf(request.outputs, i),
      ...tail,
    };
    lines.push(`${JSON.stringify(line)}\n`);
  }
  return lines;
}
