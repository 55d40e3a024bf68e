import type { MetricName, MetricResult, Task } from '@modelgate/core';
import type { RegistryOrigin, SpecSource } from '@modelgate/runtime';
import type { CalibrationCurve } from '../curves/calibration.js';
import type { ResidualSummary } from '../curves/residuals.js';
import type { DifferenceInterval } from '../gate/compare.js';
import type { GateSource } from '../gate/defaults.js';
import type { RuleOutcome } from '../gate/rules.js';
import type { CostMeasurement } from '../run/costs.js';
import type { McNemarResult } from '../stats/mcnemar.js';

/** evaluation.json's format; bumped on a breaking change. */
export const EVALUATION_VERSION = 2;
export const EVALUATION_FILES = {
  json: 'evaluation.json',
  markdown: 'report.md',
  html: 'report.html',
} as const;

/** A metric in JSON: its number, or why it is undefined (never NaN). */
export type MetricJson = number | { undefined: string };
export type MetricMap = Partial<Record<MetricName, MetricJson>>;

export function metricJson(result: MetricResult): MetricJson {
  return 'value' in result ? result.value : { undefined: result.undefined };
}

export function metricNumber(value: MetricJson | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** challenger - champion when both are numbers. */
export function metricDifference(
  challenger: MetricJson | undefined,
  champion: MetricJson | undefined,
): number | undefined {
  return typeof challenger === 'number' && typeof champion === 'number' ? challenger - champion : undefined;
}

export type CurveJson<T> = T | { undefined: string };

export interface RocJson {
  fpr: number[];
  tpr: number[];
  /** Decreasing; null stands for +Infinity (the first, no row predicted positive). */
  thresholds: (number | null)[];
  auc: MetricJson;
}

export interface PrecisionRecallJson {
  precision: number[];
  recall: number[];
  thresholds: number[];
  averagePrecision: MetricJson;
}

export interface ClassCurvesJson {
  class: number;
  name: string;
  roc: CurveJson<RocJson>;
  precisionRecall: CurveJson<PrecisionRecallJson>;
}

/** Curves downsampled to at most 100 points each (Largest-Triangle-Three-Buckets). */
export type CurvesJson =
  | { kind: 'classification'; perClass: ClassCurvesJson[]; calibration: CurveJson<CalibrationCurve> }
  | { kind: 'regression'; residuals: CurveJson<ResidualSummary> };

export interface ClassScoresJson {
  index: number;
  name: string;
  support: number;
  predicted: number;
  precision: number;
  recall: number;
  f1: number;
  rocAuc: MetricJson;
  averagePrecision: MetricJson;
}

export interface ModelEntry {
  /** A path, or registry name@version. */
  label: string;
  path: string;
  sha256: string;
  bytes: number;
  registry: RegistryOrigin | null;
  /** Where its features, categories and classes were read from. */
  spec: SpecSource;
  features: string[];
  /** Prediction metrics on the holdout and the measured costs. */
  metrics: MetricMap;
  costs: CostMeasurement | null;
  /** Classification: scores per class and confusion[true][predicted]. */
  perClass?: ClassScoresJson[];
  confusionMatrix?: number[][];
  curves: CurvesJson;
}

/** A two-sided interval of challenger - champion: Tango's score interval, DeLong's, or a paired bootstrap's. */
export type IntervalJson = DifferenceInterval;

export interface ComparisonJson {
  metric: MetricName;
  lowerIsBetter: boolean;
  challenger: MetricJson;
  champion: MetricJson;
  /** challenger - champion on all holdout rows. */
  difference: MetricJson;
  /** Two-sided interval of challenger - champion at the configured level. */
  interval: IntervalJson | { undefined: string };
  /** Accuracy only: McNemar's test of "the accuracies differ", for information; the gate does not use it. */
  mcnemar?: McNemarResult;
}

export interface SliceEntry {
  column: string;
  value: string;
  kind: 'category' | 'bin' | 'missing';
  count: number;
  /** Set when the slice is under the minimum size: listed, not scored. */
  tooSmall?: string;
  challenger?: MetricMap;
  champion?: MetricMap;
}

export interface SlicesJson {
  columns: string[];
  bins: number;
  minSize: number;
  /** The metric reports rank slices by: the first gated prediction metric, else accuracy or rmse. */
  metric: MetricName;
  entries: SliceEntry[];
}

export interface HoldoutJson {
  /** The file, or how many files a glob matched. */
  source: string;
  files: string[];
  /** Rows scored: those with a target. */
  rows: number;
  /** Rows left out because their target is null. */
  droppedRows: number;
  sha256: string;
}

export interface EvaluationDocument {
  version: typeof EVALUATION_VERSION;
  model: string;
  task: Task;
  target: string;
  verdict: 'pass' | 'fail';
  gate: {
    pass: boolean;
    /** Whether a champion was compared with. */
    champion: boolean;
    summary: string;
    /** Where the rules came from: modelgate.yaml, the default gate, or gate: none. */
    source: GateSource;
    /** Said in the report when the rules are not the configured ones. */
    note: string | null;
    /** Two-sided level of every interval; non-inferiority is a one-sided test at (1 - level) / 2. */
    level: number;
    rules: RuleOutcome[];
  };
  /** Why there is no champion, when there is none. */
  championNote: string | null;
  /** The challenger's metrics (the same as challenger.metrics): what the registry records. */
  metrics: MetricMap;
  challenger: ModelEntry;
  champion: ModelEntry | null;
  holdout: HoldoutJson;
  comparisons: ComparisonJson[];
  slices: SlicesJson;
  settings: {
    bootstrap: { replicates: number; seed: number; level: number };
    eceBins: number;
  };
  /** The onnxruntime execution provider both models ran on (--device); absent in documents from before it. */
  provider?: 'cpu' | 'cuda';
  warnings: string[];
}
