import type { Band, Direction } from '../anomaly/band.js';
import type { OutlierRule } from '../anomaly/outlier-rules.js';
import type { Chunk } from '../chunks/chunk.js';
import type { DriftMethod } from '../drift/methods.js';
import type { Correction } from '../drift/options.js';
import type { ColumnDrift } from '../drift/types.js';
import type { ChunkPerformance } from '../performance/assess.js';
import type { PerformanceMetric, PerformanceSettings } from '../performance/types.js';

export const MONITOR_FORMAT = 'modelgate.monitor/1';

/** Why the run exits 1. */
export interface Alert {
  kind:
    | 'no_rows'
    | 'too_few_rows'
    | 'dataset_drift'
    | 'missing_columns'
    | 'chunk_anomaly'
    | 'outlier_rate'
    | 'performance';
  /** One line, for the annotation and the report. */
  message: string;
  /** The chunk it is about; null for the whole window. */
  chunk: number | null;
  series?: string;
}

export interface Note {
  level: 'warning' | 'notice';
  message: string;
}

/** A column's drift in one chunk, without the prose: the same fields as the window's columns carry. */
export type ChunkColumnDrift = Pick<
  ColumnDrift,
  | 'column'
  | 'status'
  | 'method'
  | 'statistic'
  | 'threshold'
  | 'pValue'
  | 'adjustedPValue'
  | 'sketchError'
  | 'borderline'
  | 'drifted'
>;

export interface OutlierSummary {
  rows: number;
  /** Rows with at least one outlying value (an estimate from sketches when `estimated`). */
  outlierRows: number;
  rate: number;
  /** The rate the reference leads to expect (see DRIFT.md's monitoring section). */
  expected: number;
  pValue: number;
  elevated: boolean;
  estimated: boolean;
  /** Outlying values per column. */
  columns: Record<string, number>;
}

export interface ChunkReport extends Chunk {
  /** baseline: sets the anomaly bands; monitored: checked against them; too_small / none: neither. */
  role: 'baseline' | 'monitored' | 'too_small' | 'none';
  drift: {
    evaluated: number;
    drifted: number;
    share: number;
    datasetDrift: boolean;
    columns: ChunkColumnDrift[];
  };
  outliers: OutlierSummary | null;
  /** The prediction series' value in this chunk. */
  prediction: number | null;
  /** Names of the series this chunk is an anomaly in. */
  anomalies: string[];
}

export interface SeriesReport {
  name: string;
  kind: 'drift_share' | 'column_drift' | 'outlier_rate' | 'prediction' | 'performance' | 'serving';
  column: string | null;
  /** For column_drift: the method whose statistic this is. */
  method: DriftMethod | null;
  direction: Direction;
  /** One value per chunk; null where the chunk has none (too small, not tested). */
  values: (number | null)[];
  band: Band | null;
  /** Chunk indexes outside the band. */
  anomalies: number[];
}

export interface Anomaly {
  series: string;
  chunk: number;
  label: string;
  value: number;
  band: Band;
}

/** One row of the per-column table, sorted by severity. */
export interface MonitoredColumn extends Omit<ColumnDrift, 'source' | 'reference' | 'current'> {
  role: 'feature' | 'target';
  /** How far past its threshold the window is: ≥ 1 is drift (p-values on a log scale). */
  severity: number;
  reference: { rows: number; count: number };
  current: { rows: number; count: number } | null;
  chunks: { tested: number; drifted: number; maxStatistic: number | null };
  outliers: (Pick<OutlierRule, 'lower' | 'upper' | 'referenceShare'> & { share: number | null }) | null;
  anomalies: number;
}

/** Model performance per chunk: realized on late labels, estimated (CBPE) from probabilities. */
export interface PerformanceReport {
  task: 'binary' | 'multiclass' | 'regression';
  metrics: PerformanceMetric[];
  /** The registered holdout metrics compared with. */
  holdout: Partial<Record<PerformanceMetric, number>>;
  holdoutSource: string | null;
  settings: PerformanceSettings & { minLabeledRows: number };
  /** Rows of the labels file and the current rows that got a label. */
  labels: { source: string; rows: number; matched: number } | null;
  /** Reference predictions with labels the CBPE calibration was fitted on; null: probabilities read as they are. */
  calibration: { source: string; rows: number } | null;
  window: ChunkPerformance;
  /** One per chunk, in chunk order. */
  chunks: ChunkPerformance[];
}

export interface ModelInfo {
  name: string;
  version: string;
  stages: string[];
}

export interface MonitorReport {
  format: typeof MONITOR_FORMAT;
  createdAt?: string;
  verdict: { alert: boolean; headline: string; alerts: Alert[] };
  model: ModelInfo | null;
  reference: { source: string; rows: number };
  current: {
    source: string;
    input: 'data' | 'profiles';
    rows: number;
    /** Rows in no chunk (no readable time), or profile files without a time. */
    excluded: number;
    start: string | null;
    end: string | null;
  };
  settings: {
    chunk: string;
    time: string | null;
    minChunkRows: number;
    baselineChunks: number;
    sigma: number;
    outlierThreshold: number;
    prediction: string | null;
    shareThreshold: number;
    correction: Correction;
    bins: number;
    minRows: number;
  };
  window: {
    evaluated: number;
    drifted: number;
    share: number;
    datasetDrift: boolean;
    tooSmall: boolean;
    outliers: OutlierSummary | null;
    prediction: number | null;
  };
  columns: MonitoredColumn[];
  chunks: ChunkReport[];
  series: SeriesReport[];
  anomalies: Anomaly[];
  /** Present when the run had model outputs. */
  performance?: PerformanceReport;
  notes: Note[];
}
