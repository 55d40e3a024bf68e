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

/** Recording never blocks or throws into the request path; `close` flushes everything buffered. */
export interface PredictionSink {
  record(entry: PredictionLogEntry): void;
  /**
   * Whether record() would keep this request. A false answer counts it as sampled out, so the
   * server skips building an entry the sampling would drop.
   */
  accepts?(requestId: string): boolean;
  /** Every answered request (not sampled), for latency and error rate per hour. */
  request?(entry: RequestLogEntry): void;
  close(): Promise<void>;
}
