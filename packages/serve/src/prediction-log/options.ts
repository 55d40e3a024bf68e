import { type ColumnKind, UserError } from '@modelgate/core';

export interface PredictionLogOptions {
  /** The log's root; each model writes under `<dir>/<model>/`. */
  dir: string;
  /** The share of requests logged, 0..1; the decision is per request, from its id. Default 1. */
  sampleRate?: number;
  /** Seeds the sampling decision, so replicas with the same seed log the same requests. Default 0. */
  seed?: number;
  /** A JSONL file rolls over to the next `-n` file beyond this size. Default 64 MiB. */
  maxFileBytes?: number;
  /** How often buffered rows are written. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Rows held in memory at most; beyond that whole requests are dropped and counted. Default 50,000. */
  maxBufferedRows?: number;
  /**
   * The profile kind of named columns (e.g. the kinds of the model's reference
   * profile, so both stay mergeable); other columns take theirs from their first value.
   */
  profileColumns?: Readonly<Record<string, ColumnKind>>;
  /**
   * The share of answered requests also written as a `requests-<hour>Z.jsonl` line, 0..1, sampled
   * by request id. Every request is counted in the per-minute `serving-<hour>Z.json` aggregates
   * whatever this is, and those are the durable record monitor reads. Default 0: a line per request
   * is gigabytes a day at thousands of requests a second.
   */
  requestLines?: number;
  /** Told about each failed write (the log itself never throws into the request path). */
  onError?: (err: unknown) => void;
}

export interface ResolvedPredictionLogOptions {
  dir: string;
  sampleRate: number;
  seed: number;
  maxFileBytes: number;
  flushIntervalMs: number;
  maxBufferedRows: number;
  profileColumns: Readonly<Record<string, ColumnKind>>;
  requestLines: number;
  onError: (err: unknown) => void;
}

export const PREDICTION_LOG_DEFAULTS = {
  sampleRate: 1,
  seed: 0,
  maxFileBytes: 64 * 1024 * 1024,
  flushIntervalMs: 1000,
  maxBufferedRows: 50_000,
  requestLines: 0,
} as const;

function share(name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) {
    throw new UserError(`prediction log: ${name} must be between 0 and 1, got ${value}.`);
  }
  return value;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isFinite(value) && value > 0)) {
    throw new UserError(`prediction log: ${name} must be a positive number, got ${value}.`);
  }
  return value;
}

export function resolveOptions(options: PredictionLogOptions): ResolvedPredictionLogOptions {
  const sampleRate = share('sampleRate', options.sampleRate ?? PREDICTION_LOG_DEFAULTS.sampleRate);
  if (!options.dir) throw new UserError('prediction log: dir is required.');
  return {
    dir: options.dir,
    sampleRate,
    seed: options.seed ?? PREDICTION_LOG_DEFAULTS.seed,
    maxFileBytes: positive('maxFileBytes', options.maxFileBytes, PREDICTION_LOG_DEFAULTS.maxFileBytes),
    flushIntervalMs: positive(
      'flushIntervalMs',
      options.flushIntervalMs,
      PREDICTION_LOG_DEFAULTS.flushIntervalMs,
    ),
    maxBufferedRows: positive(
      'maxBufferedRows',
      options.maxBufferedRows,
      PREDICTION_LOG_DEFAULTS.maxBufferedRows,
    ),
    profileColumns: options.profileColumns ?? {},
    requestLines: share('requestLines', options.requestLines ?? PREDICTION_LOG_DEFAULTS.requestLines),
    onError: options.onError ?? (() => {}),
  };
}
