import { resolve } from 'node:path';
import { type ColumnKind, Database } from '@modelgate/core';
import { type ProfiledColumn, profileBatch } from './batch-profile.js';
import { kindOfValue } from './column-kinds.js';
import { HourlyProfiles } from './hourly-profiles.js';
import { JsonlFiles } from './jsonl-files.js';
import { hourKey, modelDir } from './layout.js';
import { type PredictionLogOptions, resolveOptions } from './options.js';
import { aggregateRequests, HourlyServing } from './request-aggregates.js';
import { type BufferedRequest, bufferRequest, type LoggedValue, requestLines } from './rows.js';
import { createSampler } from './sampling.js';
import type { PredictionLogEntry, PredictionSink, RequestLogEntry, ShadowLines } from './types.js';

const HOUR = /^\d{4}-\d{2}-\d{2}T\d{2}$/;

export interface PredictionLogStats {
  /** Requests offered to record(). */
  requests: number;
  /** Requests the sampling left out. */
  sampledOut: number;
  /** Requests dropped because the buffer was full, the log closed, or the entry was malformed. */
  droppedRequests: number;
  droppedRows: number;
  bufferedRows: number;
  /** Rows this process wrote: not those a shadow's process appends itself (see shadowLinesFiles). */
  writtenRows: number;
  /** Rows that could not be written (disk full, read-only directory, bad model name). */
  failedRows: number;
  /** Batches whose hourly profile could not be updated (their rows may still be in the JSONL). */
  failedProfiles: number;
  /** Answered requests written to the request log, and dropped (buffer full or log closed). */
  loggedRequests: number;
  droppedRequestLines: number;
  /** Writes of a serving-<hour>Z.json (per-minute request aggregates) that failed. */
  failedServing: number;
}

export interface PredictionLog extends PredictionSink {
  /** Writes what is buffered now; resolves when it is on disk (or failed, counted in stats). */
  flush(): Promise<void>;
  stats(): PredictionLogStats;
}

interface Group {
  /** The directory's model: the request's own, or for a shadow request the production's. */
  model: string;
  hour: string;
  shadow: boolean;
  requests: BufferedRequest[];
}

function groupByModelAndHour(requests: readonly BufferedRequest[]): Group[] {
  const groups = new Map<string, Group>();
  for (const request of requests) {
    const hour = hourKey(request.time);
    const shadow = request.role === 'shadow';
    const model = request.shadowOf ?? request.model;
    const key = `${model}\n${hour}\n${shadow}`;
    let group = groups.get(key);
    if (!group) {
      group = { model, hour, shadow, requests: [] };
      groups.set(key, group);
    }
    group.requests.push(request);
  }
  return [...groups.values()];
}

/** Inputs under their names, outputs too unless an input has the name, then as `<name> (output)`. */
function profiledColumns(
  requests: readonly BufferedRequest[],
  kinds: Map<string, ColumnKind>,
): ProfiledColumn[] {
  const values = new Map<string, LoggedValue[]>();
  const rows = requests.reduce((n, r) => n + r.rows, 0);
  const inputNames = new Set(requests.flatMap((r) => Object.keys(r.inputs)));
  let offset = 0;
  for (const request of requests) {
    const named: [string, LoggedValue[]][] = [
      ...Object.entries(request.inputs),
      ...Object.entries(request.outputs).map(([name, column]): [string, LoggedValue[]] => [
        inputNames.has(name) ? `${name} (output)` : name,
        column,
      ]),
    ];
    for (const [name, column] of named) {
      let all = values.get(name);
      if (!all) {
        all = new Array<LoggedValue>(rows).fill(null);
        values.set(name, all);
      }
      for (let i = 0; i < request.rows; i++) all[offset + i] = column[i] ?? null;
    }
    offset += request.rows;
  }
  const columns: ProfiledColumn[] = [];
  for (const [name, column] of values) {
    if (!kinds.has(name)) {
      const first = column.find((v) => v !== null);
      const kind = first === undefined ? undefined : kindOfValue(first);
      if (kind) kinds.set(name, kind);
    }
    const kind = kinds.get(name);
    // A column seen only as nulls has no kind yet; left out, the merge counts it as null.
    if (kind) columns.push({ name, kind, values: column });
  }
  return columns;
}

/** `{"time", "request_id", "model", "version", "status", "latency_ms", "rows"}` lines, by model and hour. */
function requestGroups(
  entries: readonly RequestLogEntry[],
): { model: string; hour: string; lines: string[] }[] {
  const groups = new Map<string, { model: string; hour: string; lines: string[] }>();
  for (const e of entries) {
    const hour = hourKey(e.time);
    const key = `${e.model}\n${hour}`;
    let group = groups.get(key);
    if (!group) {
      group = { model: e.model, hour, lines: [] };
      groups.set(key, group);
    }
    const line = {
      time: e.time.toISOString(),
      request_id: e.requestId ?? null,
      model: e.model,
      version: e.version,
      status: e.status,
      latency_ms: Math.round(e.latencyMs * 1000) / 1000,
      rows: e.rows ?? null,
    };
    group.lines.push(`${JSON.stringify(line)}\n`);
  }
  return [...groups.values()];
}

/**
 * A prediction log: sampled, rotated JSONL of every logged row plus a
 * mergeable profile per model and hour (see DEPLOY.md, "Prediction log").
 * record() copies the request into memory and returns; a timer writes.
 */
export function createPredictionLog(options: PredictionLogOptions): PredictionLog {
  const settings = resolveOptions(options);
  const sample = createSampler(settings.sampleRate, settings.seed);
  const files = new JsonlFiles(settings.maxFileBytes);
  // Shared: the shadows' processes append their lines to the same files themselves (shadowLinesFiles).
  const shadowFiles = new JsonlFiles(settings.maxFileBytes, 'shadow', true);
  const requestFiles = new JsonlFiles(settings.maxFileBytes, 'requests');
  const profiles = new HourlyProfiles((notice) => report(notice));
  const serving = new HourlyServing();
  const sampleLine = createSampler(settings.requestLines, settings.seed);
  const kindsByModel = new Map<string, Map<string, ColumnKind>>();
  const stats: PredictionLogStats = {
    requests: 0,
    sampledOut: 0,
    droppedRequests: 0,
    droppedRows: 0,
    bufferedRows: 0,
    writtenRows: 0,
    failedRows: 0,
    failedProfiles: 0,
    loggedRequests: 0,
    droppedRequestLines: 0,
    failedServing: 0,
  };
  let buffer: BufferedRequest[] = [];
  let shadowBuffer: ShadowLines[] = [];
  let requestBuffer: RequestLogEntry[] = [];
  let closed = false;
  let queued = false;
  let flushing: Promise<void> = Promise.resolve();
  let database: Promise<Database> | undefined;

  const report = (err: unknown) => {
    try {
      settings.onError(err);
    } catch {
      // A failing error handler must not reach the request path either.
    }
  };

  async function updateProfile(dir: string, group: Group, rows: number): Promise<void> {
    database ??= Database.open({ threads: 1 });
    const db = await database;
    let kinds = kindsByModel.get(group.model);
    if (!kinds) {
      kinds = new Map(Object.entries(settings.profileColumns));
      kindsByModel.set(group.model, kinds);
    }
    for (const [name, kind] of await profiles.kinds(dir, group.hour))
      if (!kinds.has(name)) kinds.set(name, kind);
    const batch = await profileBatch(db, profiledColumns(group.requests, kinds), rows);
    await profiles.add(dir, group.hour, batch);
  }

  /** Appends an hour's lines to a model's directory; that directory when they were written. */
  async function appendRows(
    to: JsonlFiles,
    model: string,
    hour: string,
    lines: readonly string[] | readonly Uint8Array[],
    rows: number,
  ): Promise<string | undefined> {
    const dir = modelDir(settings.dir, model);
    if (!dir) {
      stats.failedRows += rows;
      report(new Error(`prediction log: model name '${model}' cannot name a directory.`));
      return undefined;
    }
    try {
      await to.append(dir, hour, lines);
      stats.writtenRows += rows;
      return dir;
    } catch (err) {
      stats.failedRows += rows;
      report(err);
      return undefined;
    }
  }

  async function writeGroup(group: Group): Promise<void> {
    const rows = group.requests.reduce((n, r) => n + r.rows, 0);
    const lines = group.requests.flatMap(requestLines);
    const dir = await appendRows(group.shadow ? shadowFiles : files, group.model, group.hour, lines, rows);
    // The hourly profile is the production answers' (what drift compares with training): a shadow's
    // copies of the same inputs would count them twice.
    if (!dir || group.shadow) return;
    try {
      await updateProfile(dir, group, rows);
    } catch (err) {
      stats.failedProfiles += 1;
      report(err);
    }
  }

  /** A shadow's ready lines, by production model and hour: appended as they are (shadow rows are not profiled). */
  async function writeShadowLines(batch: readonly ShadowLines[]): Promise<void> {
    const groups = new Map<string, { shadowOf: string; hour: string; blocks: Uint8Array[]; rows: number }>();
    for (const item of batch) {
      const key = `${item.shadowOf}\n${item.hour}`;
      let group = groups.get(key);
      if (!group) {
        group = { shadowOf: item.shadowOf, hour: item.hour, blocks: [], rows: 0 };
        groups.set(key, group);
      }
      group.blocks.push(item.data);
      group.rows += item.rows;
    }
    for (const group of groups.values()) {
      await appendRows(shadowFiles, group.shadowOf, group.hour, group.blocks, group.rows);
    }
  }

  async function writeRequests(entries: readonly RequestLogEntry[]): Promise<void> {
    for (const group of aggregateRequests(entries).values()) {
      const dir = modelDir(settings.dir, group.model);
      if (!dir) continue;
      try {
        await serving.add(dir, group.hour, group.minutes);
      } catch (err) {
        stats.failedServing += 1;
        report(err);
      }
    }
    const lines = entries.filter((e) => sampleLine(e.requestId ?? e.time.toISOString()));
    for (const group of requestGroups(lines)) {
      const dir = modelDir(settings.dir, group.model);
      if (!dir) continue;
      try {
        await requestFiles.append(dir, group.hour, group.lines);
        stats.loggedRequests += group.lines.length;
      } catch (err) {
        stats.droppedRequestLines += group.lines.length;
        report(err);
      }
    }
  }

  async function writeBuffered(): Promise<void> {
    queued = false;
    const batch = buffer;
    buffer = [];
    const shadowBatch = shadowBuffer;
    shadowBuffer = [];
    stats.bufferedRows = 0;
    const answered = requestBuffer;
    requestBuffer = [];
    for (const group of groupByModelAndHour(batch)) await writeGroup(group);
    await writeShadowLines(shadowBatch);
    await writeRequests(answered);
  }

  function flush(): Promise<void> {
    if (!queued) {
      queued = true;
      flushing = flushing.then(writeBuffered).catch(report);
    }
    return flushing;
  }

  const timer = setInterval(() => void flush(), settings.flushIntervalMs);
  timer.unref();

  function record(entry: PredictionLogEntry): void {
    try {
      stats.requests += 1;
      if (closed) {
        stats.droppedRequests += 1;
        return;
      }
      if (!sample(String(entry.requestId))) {
        stats.sampledOut += 1;
        return;
      }
      const rows = Math.max(0, Math.floor(Number(entry.rows) || 0));
      if (stats.bufferedRows + rows > settings.maxBufferedRows) {
        stats.droppedRequests += 1;
        stats.droppedRows += rows;
        return;
      }
      const request = bufferRequest(entry);
      buffer.push(request);
      stats.bufferedRows += request.rows;
      if (stats.bufferedRows >= settings.maxBufferedRows / 2) void flush();
    } catch (err) {
      stats.droppedRequests += 1;
      report(err);
    }
  }

  function recordShadowLines(item: ShadowLines): void {
    try {
      stats.requests += item.requests;
      const rows = Number(item.rows);
      if (closed || stats.bufferedRows + rows > settings.maxBufferedRows) {
        stats.droppedRequests += item.requests;
        stats.droppedRows += rows;
        return;
      }
      // The hour names a file: only the shape hourKey() gives is taken.
      if (!HOUR.test(String(item.hour)))
        throw new Error(`prediction log: hour '${item.hour}' is not an hour key.`);
      const data = item.data;
      if (!(data instanceof Uint8Array) || !Number.isInteger(rows) || rows < 0)
        throw new Error('prediction log: shadow lines without their bytes or row count.');
      // Lines glued to the next group's would spoil both.
      if (data.byteLength > 0 && data[data.byteLength - 1] !== 10)
        throw new Error('prediction log: shadow lines that do not end with a newline.');
      shadowBuffer.push({
        shadowOf: String(item.shadowOf),
        hour: String(item.hour),
        requests: item.requests,
        rows,
        data,
      });
      stats.bufferedRows += rows;
      if (stats.bufferedRows >= settings.maxBufferedRows / 2) void flush();
    } catch (err) {
      stats.droppedRequests += 1;
      report(err);
    }
  }

  function accepts(requestId: string): boolean {
    try {
      if (closed || sample(String(requestId))) return true;
      stats.requests += 1;
      stats.sampledOut += 1;
      return false;
    } catch (err) {
      report(err);
      return false;
    }
  }

  function request(entry: RequestLogEntry): void {
    try {
      if (closed || requestBuffer.length >= settings.maxBufferedRows) {
        stats.droppedRequestLines += 1;
        return;
      }
      requestBuffer.push({ ...entry, time: new Date(entry.time.getTime()) });
    } catch (err) {
      stats.droppedRequestLines += 1;
      report(err);
    }
  }

  async function close(): Promise<void> {
    if (!closed) {
      closed = true;
      clearInterval(timer);
    }
    await flush();
    const db = database;
    database = undefined;
    if (db) await db.then((d) => d.close(), report);
  }

  return {
    record,
    recordShadowLines,
    shadowLinesFiles: { dir: resolve(settings.dir), maxFileBytes: settings.maxFileBytes },
    accepts,
    request,
    flush,
    close,
    stats: () => ({ ...stats }),
    sampling: { sampleRate: settings.sampleRate, seed: settings.seed },
  };
}
