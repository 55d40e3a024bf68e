import { UserError } from '@modelgate/core';
import { DEFAULT_SIGMA } from '../anomaly/band.js';
import { DEFAULT_OUTLIER_THRESHOLD } from '../anomaly/outlier-rules.js';
import type { Chunk } from '../chunks/chunk.js';
import type { ChunkSpec } from '../chunks/spec.js';
import { DRIFT_DEFAULTS, type DriftOptions } from '../drift/options.js';
import type { PerformanceInput } from '../performance/assess.js';
import { PERFORMANCE_DEFAULTS, type PerformanceSettings } from '../performance/types.js';
import type { ModelInfo, Note } from '../report/types.js';
import type { ServingSeries } from '../serving/requests.js';

export interface MonitorOptions {
  /** Default: by day with a time column; otherwise one chunk (data) or one per file (profiles). */
  chunk?: ChunkSpec;
  /** The time column chunks are cut by; it is never a drift feature. */
  time?: string;
  /** Smaller chunks are too_small: reported, never alerted on. Default: the drift minRows (30). */
  minChunkRows?: number;
  /** How many of the earliest usable chunks set the anomaly bands; default a third of them, at least 5. */
  baselineChunks?: number;
  /** Band half-width in baseline standard deviations; default 3. */
  sigma?: number;
  /** |robust z| above this is an outlier; default 3.5. */
  outlierThreshold?: number;
  /** A model-output column of the current data: its mean (or top class share) per chunk is a monitored series. */
  prediction?: string;
  /** Distinct values each chunk profile keeps exactly per numeric or datetime column (core's default). */
  exactValues?: number;
  /** The label column: tested in the window when the current data has it, not as a feature. */
  target?: string;
  /** Columns that are not features (ids). */
  ignore?: readonly string[];
  /** Tests, thresholds and the dataset-drift share (DRIFT.md). */
  drift?: DriftOptions;
  /** Tolerances of performance against the holdout (MONITOR.md). */
  performance?: Partial<PerformanceSettings>;
  /** The model's outputs for the current rows (and late labels): performance per chunk. */
  predictions?: PerformanceInput;
  /** Latency and error rate per time chunk from the server's request log, once the chunks are known. */
  serving?: (chunks: readonly Chunk[]) => Promise<ServingSeries | null>;
  /** Said of the inputs before monitoring (what the prediction log reader skipped): the report's first notes. */
  notes?: readonly Note[];
  /** Describes the inputs in the report. */
  context?: { model?: ModelInfo | null; reference?: string; current?: string; createdAt?: string };
  onProgress?: (fraction: number) => void;
}

export interface MonitorSettings {
  chunk: ChunkSpec | undefined;
  time: string | undefined;
  minChunkRows: number;
  baselineChunks: number | undefined;
  sigma: number;
  outlierThreshold: number;
  prediction: string | undefined;
  exactValues: number | undefined;
  target: string | undefined;
  ignore: string[];
  drift: DriftOptions;
  performance: PerformanceSettings;
}

/** A run needs at least this many baseline chunks for its bands unless told otherwise. */
export const MIN_AUTO_BASELINE = 5;

function positive(where: string, value: number | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  if (!(value > 0 && Number.isFinite(value)) || (integer && !Number.isInteger(value))) {
    throw new UserError(
      `monitor option '${where}': expected a positive ${integer ? 'integer' : 'number'}, got ${value}.`,
    );
  }
  return value;
}

function nonNegative(where: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value >= 0 && Number.isFinite(value))) {
    throw new UserError(`monitor option '${where}': expected a number ≥ 0, got ${value}.`);
  }
  return value;
}

export function resolveMonitorOptions(options: MonitorOptions): MonitorSettings {
  const baseline = options.baselineChunks;
  if (baseline !== undefined && !(Number.isInteger(baseline) && baseline >= 2)) {
    throw new UserError(`monitor option 'baselineChunks': expected an integer ≥ 2, got ${baseline}.`);
  }
  return {
    chunk: options.chunk,
    time: options.time,
    minChunkRows: positive(
      'minChunkRows',
      options.minChunkRows,
      options.drift?.minRows ?? DRIFT_DEFAULTS.minRows,
      true,
    ),
    baselineChunks: baseline,
    sigma: positive('sigma', options.sigma, DEFAULT_SIGMA),
    outlierThreshold: positive('outlierThreshold', options.outlierThreshold, DEFAULT_OUTLIER_THRESHOLD),
    prediction: options.prediction,
    exactValues: options.exactValues,
    target: options.target,
    ignore: [...(options.ignore ?? [])],
    drift: options.drift ?? {},
    performance: {
      drop: nonNegative('performance.drop', options.performance?.drop, PERFORMANCE_DEFAULTS.drop),
      rise: nonNegative('performance.rise', options.performance?.rise, PERFORMANCE_DEFAULTS.rise),
      alertOnEstimates: options.performance?.alertOnEstimates ?? PERFORMANCE_DEFAULTS.alertOnEstimates,
    },
  };
}

/** Auto: a third of the usable chunks, at least MIN_AUTO_BASELINE. */
export function baselineSize(settings: MonitorSettings, usable: number): number {
  return settings.baselineChunks ?? Math.max(MIN_AUTO_BASELINE, Math.ceil(usable / 3));
}
