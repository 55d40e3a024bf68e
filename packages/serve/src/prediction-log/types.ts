/**
 * Which model of a shadowed pair made a prediction (`serve --shadow`). A server without a shadow
 * writes no role.
 *
 * Shadow serving on disk: the shape `monitor --compare` reads. Stable; add fields, never rename.
 *
 * Both files live under `<dir>/<production model>/` (the shadow's rows sit next to the answers they
 * shadow, whatever the shadow model is named), one JSON line per scored row:
 *
 * - `predictions-<hour>Z[-n].jsonl`: the answers, as without a shadow, plus `"role": "production"`:
 *   `{"time", "request_id", "model", "version", "role": "production", "row", "inputs", "outputs"}`
 * - `shadow-<hour>Z[-n].jsonl`: the shadow's predictions for the same inputs:
 *   `{"time", "request_id", "model", "version", "role": "shadow", "row", "inputs", "outputs", "latency_ms"}`
 *   where `request_id`, `row` and `time` equal those of the production line for the same input row
 *   (`time` is the answer's, to the millisecond, so a request id a client reuses still pairs), `model`
 *   and `version` are the shadow's, and `latency_ms` is the shadow's time for the request: from
 *   the batch of copies it went in being handed to the shadow's process to its outputs (a wait behind
 *   earlier shadow batches included; the up to 250 ms copies gather before that not).
 *
 * The shadow's rows pass the log's sampling with the same request id, so a logged shadow row has its
 * production row unless the log's buffer dropped that one. A production row may have no shadow row:
 * left out by `--shadow-rate`, dropped by the full shadow queue, or failed (counted in /metrics as
 * `modelgate_shadow_requests_total{outcome}`). Shadow rows are not profiled and are not in the
 * `requests-*.jsonl` / `serving-*.json` series, which stay the production answers'.
 * `listPredictionLog` lists the shadow files per hour as `shadow`.
 */
export type PredictionRole = 'production' | 'shadow';

/**
 * The contract between the server (which records) and the prediction log (which writes).
 * One entry is one scored request: columns of equal length `rows`.
 */
export interface PredictionLogEntry {
  /** When the request was scored. */
  time: Date;
  /** The request's id (OIP `id`, or `X-Request-Id`, or a generated one), so late labels can be joined. */
  requestId: string;
  model: string;
  version: string;
  rows: number;
  /** Input columns by name, as the model received them (raw values, before preprocessing). */
  inputs: Record<string, ArrayLike<unknown>>;
  /** Output columns by name (e.g. `label`, per-class probabilities `probability_<class>`, or `prediction`). */
  outputs: Record<string, ArrayLike<unknown>>;
  /** Set when the server runs a shadow; see "Shadow serving on disk" above. */
  role?: PredictionRole;
  /** For a shadow entry: the production model it shadows, whose directory it is written under. */
  shadowOf?: string;
  /** For a shadow entry: the shadow's scoring time for the request, in ms (see above). */
  latencyMs?: number;
}

/** One request the server answered for a model, scored or refused: the log's serving series. */
export interface RequestLogEntry {
  time: Date;
  /** Known once the request was read; absent for one refused before that. */
  requestId?: string;
  model: string;
  /** Null when the request failed before a version was chosen. */
  version: string | null;
  status: number;
  latencyMs: number;
  rows?: number;
}

/**
 * A shadow's rows already written as `shadow-<hour>Z.jsonl` lines, by the shadow's own worker (off
 * the request path). One hour's, for one production model's directory; sampled by the caller.
 */
export interface ShadowLines {
  /** The production model whose directory they go to. */
  shadowOf: string;
  hour: string;
  /** The shadow requests the lines are of. */
  requests: number;
  /** Their rows: one line each. */
  rows: number;
  /**
   * The lines as UTF-8, each ending in a newline: bytes, so that whoever writes them only moves them
   * to the file and never parses or holds them as strings.
   */
  data: Uint8Array;
}

/** A file log's directory and file size, for writers in other processes (a shadow's) appending beside it. */
export interface ShadowLinesFiles {
  /** The log's root, absolute. */
  dir: string;
  /** A file rolls over to the next `-n` one past this size, whoever appends to it. */
  maxFileBytes: number;
}

/** Recording never blocks or throws into the request path; `close` flushes everything buffered. */
export interface PredictionSink {
  record(entry: PredictionLogEntry): void;
  /** A shadow's rows its worker wrote as lines; a sink without it is given entries (`record`). */
  recordShadowLines?(lines: ShadowLines): void;
  /**
   * Where a shadow's process may append its log lines to the log's files itself (`shadow-<hour>Z.jsonl`
   * under `<dir>/<production model>/`): the lines then never pass through the server's threads, and
   * are written at the shadow's low priority. A sink without it is given them (`recordShadowLines`).
   */
  readonly shadowLinesFiles?: ShadowLinesFiles;
  /**
   * Whether record() would keep this request. A false answer counts it as sampled out, so the
   * server skips building an entry the sampling would drop.
   */
  accepts?(requestId: string): boolean;
  /**
   * How accepts() samples (a share of request ids, hashed with a seed), for a sink that samples
   * elsewhere on its behalf: `serve --acceptors` samples in each acceptor process.
   */
  readonly sampling?: { sampleRate: number; seed: number };
  /** Every answered request (not sampled), for latency and error rate per hour. */
  request?(entry: RequestLogEntry): void;
  close(): Promise<void>;
}
