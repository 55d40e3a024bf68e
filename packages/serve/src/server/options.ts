import { UserError } from '@modelgate/core';
import type { ExecutionProvider, SpecFlags } from '@modelgate/runtime';
import type { PredictionSink } from '../prediction-log/types.js';
import { INLINE_MODES, type InlineMode } from './inline-session.js';
import type { ShadowOptions } from './shadow/options.js';
import { defaultWorkers } from './worker-pool.js';

export interface ServeOptions {
  /** The registry directory; needed unless every model is a .onnx file. */
  registry?: string;
  /** `name#stage`, `name@v3`, `name` (latest), a .onnx file or a directory holding model.onnx. */
  models: string[];
  /**
   * How to describe a model that records no spec (a bare ONNX file): a spec file, or features,
   * classes and task. A model that records its spec keeps it.
   */
  specFlags?: SpecFlags;
  host?: string;
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Inference worker threads (default: the number of cores). */
  workers?: number;
  /** Rows per batch (default 64). */
  maxBatchSize?: number;
  /** How long a request may wait for others to share its batch while a worker is free (default 0). */
  maxQueueDelayMs?: number;
  /** Requests admitted at once, queued or running; more get 429 (default 1024). */
  maxQueue?: number;
  /** Request body limit (default 8 MiB); larger bodies get 413. */
  bodyLimitBytes?: number;
  /** Time to receive a request and the deadline for it to start inference (default 30 s). */
  requestTimeoutMs?: number;
  predictionLog?: PredictionSink;
  /** Re-resolve the references every this many ms and hot-swap changed versions (default: off). */
  pollIntervalMs?: number;
  /** Structured log lines (JSON objects). */
  log?: (line: object) => void;
  /** Also log every request (method, url, status, ms) to `log` (default off: a line per request costs). */
  accessLog?: boolean;
  /**
   * Where every worker's sessions run (default cpu): resolveDevice's answer. On CUDA each worker holds its
   * own session per model, and onnxruntime serialises the runs of one CUDA session.
   */
  provider?: ExecutionProvider;
  /**
   * Where a model's batches run: `auto` (default) runs a model on the HTTP thread when a batch of
   * maxBatchSize rows takes less time there than the hop to a worker and back (measured at load);
   * `never` always uses the workers, `always` never does (CPU only).
   */
  inline?: InlineMode;
  /** A model scoring a sampled copy of the first model's requests, off the request path (shadow/). */
  shadow?: ShadowOptions;
}

export interface RunningServer {
  url: string;
  /** Stops accepting, finishes in-flight requests, stops workers, closes the prediction log. */
  close(): Promise<void>;
  /** Re-resolves the references; changed versions are loaded, warmed and swapped in. */
  reload(): Promise<void>;
}

type OptionalSettings = 'registry' | 'predictionLog' | 'pollIntervalMs' | 'specFlags' | 'shadow';

export type ServeSettings = Required<Omit<ServeOptions, OptionalSettings>> &
  Pick<ServeOptions, OptionalSettings>;

export function positiveInteger(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new UserError(`${name} ${value}: expected an integer of at least ${min}`);
  }
  return value;
}

export function serveSettings(options: ServeOptions): ServeSettings {
  if (options.models.length === 0) throw new UserError('--model: give at least one model to serve');
  const port = options.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UserError(`--port ${port}: expected an integer from 0 to 65535`);
  }
  const settings: ServeSettings = {
    models: options.models,
    host: options.host ?? '127.0.0.1',
    port,
    workers: positiveInteger('--workers', options.workers, defaultWorkers()),
    maxBatchSize: positiveInteger('--max-batch-size', options.maxBatchSize, 64),
    maxQueueDelayMs: positiveInteger('--max-queue-delay-ms', options.maxQueueDelayMs, 0, 0),
    maxQueue: positiveInteger('--max-queue', options.maxQueue, 1024),
    bodyLimitBytes: positiveInteger('--body-limit', options.bodyLimitBytes, 8 * 1024 * 1024),
    requestTimeoutMs: positiveInteger('--request-timeout-ms', options.requestTimeoutMs, 30_000),
    log: options.log ?? (() => {}),
    accessLog: options.accessLog ?? false,
    provider: options.provider ?? 'cpu',
    inline: options.inline ?? 'auto',
  };
  if (!INLINE_MODES.includes(settings.inline)) {
    throw new UserError(`--inline ${settings.inline}: expected ${INLINE_MODES.join(', ')}`);
  }
  if (options.registry !== undefined) settings.registry = options.registry;
  if (options.predictionLog !== undefined) settings.predictionLog = options.predictionLog;
  if (options.specFlags !== undefined) settings.specFlags = options.specFlags;
  if (options.shadow !== undefined) settings.shadow = options.shadow;
  if (options.pollIntervalMs !== undefined) {
    settings.pollIntervalMs = positiveInteger('--poll-interval-ms', options.pollIntervalMs, 0);
  }
  return settings;
}
