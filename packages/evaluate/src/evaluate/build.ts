import {
  type ColumnData,
  classificationReport,
  defined,
  type GateConfig,
  isCostMetric,
  lowerIsBetter,
  type MetricName,
  type MetricOptions,
  type MetricResult,
  metricMismatch,
  predictionMetrics,
  type Task,
  type TaskPredictions,
} from '@modelgate/core';
import type { ModelFile, SpecSource } from '@modelgate/runtime';
import { classificationCurves } from '../curves/classification.js';
import { downsampleCurve } from '../curves/downsample.js';
import { residualSummary } from '../curves/residuals.js';
import { type MetricComparison, samePredictions } from '../gate/compare.js';
import { type ResolvedGate, resolveGate } from '../gate/defaults.js';
import { collectGateEvidence } from '../gate/evidence.js';
import { formatNumber, formatPercent } from '../gate/format.js';
import type { GateRules, RuleOutcome } from '../gate/rules.js';
import { evaluateGate, type GateVerdict, type MetricValues } from '../gate/verdict.js';
import type { CostMeasurement } from '../run/costs.js';
import { defineSlices } from '../slices/define.js';
import { type SliceResult, sliceMetrics } from '../slices/metrics.js';
import {
  type ComparisonJson,
  type CurvesJson,
  EVALUATION_VERSION,
  type EvaluationDocument,
  type HoldoutJson,
  type MetricMap,
  type ModelEntry,
  metricJson,
  type SliceEntry,
} from './document.js';
import type { EvaluationSettings } from './settings.js';

/** One model, run on the holdout. */
export interface ScoredModel {
  file: Pick<ModelFile, 'label' | 'path' | 'sha256' | 'registry'> & { bytes: number };
  specSource: SpecSource;
  features: string[];
  predictions: TaskPredictions;
  costs: CostMeasurement | null;
}

export interface EvaluationInput {
  model: string;
  task: Task;
  target: string;
  /** `gate:` of modelgate.yaml: rules, 'none', or undefined for the default gate. */
  rules: GateConfig;
  settings: EvaluationSettings;
  challenger: ScoredModel;
  champion?: ScoredModel;
  /** Why there is no champion (no production version yet, --no-baseline). */
  championNote?: string;
  holdout: HoldoutJson;
  /** Slice columns, holdout rows in the predictions' order. */
  sliceColumns: readonly ColumnData[];
  warnings?: string[];
}

function metricMap(values: MetricValues): MetricMap {
  const out: MetricMap = {};
  for (const [name, result] of Object.entries(values) as [MetricName, MetricResult][]) {
    out[name] = metricJson(result);
  }
  return out;
}

function costValues(costs: CostMeasurement | null, only?: readonly MetricName[]): MetricValues {
  if (!costs) return {};
  const all: MetricValues = {
    model_size_mb: defined(costs.model_size_mb),
    latency_p50_ms: defined(costs.latency_p50_ms),
    latency_p99_ms: defined(costs.latency_p99_ms),
    throughput_rows_per_s: defined(costs.throughput_rows_per_s),
  };
  if (!only) return all;
  return Object.fromEntries(Object.entries(all).filter(([k]) => only.includes(k as MetricName)));
}

/** The champion's costs the gate may compare: its size; timings are the challenger's alone. */
const UNTIMED_COSTS: readonly MetricName[] = ['model_size_mb'];

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

function curvesOf(predictions: TaskPredictions, eceBins: number): CurvesJson {
  if (predictions.task === 'regression') {
    const residuals = residualSummary(predictions);
    return { kind: 'regression', residuals: 'curve' in residuals ? residuals.curve : residuals };
  }
  const curves = classificationCurves(predictions, { calibrationBins: eceBins });
  return {
    kind: 'classification',
    perClass: curves.perClass.map((c) => ({
      class: c.class,
      name: c.name,
      roc:
        'curve' in c.roc
          ? (({ fpr, tpr, thresholds, auc }) => ({
              fpr,
              tpr,
              thresholds: thresholds.map(finiteOrNull),
              auc: metricJson(auc),
            }))(downsampleCurve(c.roc.curve, 'fpr', 'tpr'))
          : c.roc,
      precisionRecall:
        'curve' in c.precisionRecall
          ? (({ precision, recall, thresholds, averagePrecision }) => ({
              precision,
              recall,
              thresholds,
              averagePrecision: metricJson(averagePrecision),
            }))(downsampleCurve(c.precisionRecall.curve, 'recall', 'precision'))
          : c.precisionRecall,
    })),
    calibration: 'curve' in curves.calibration ? curves.calibration.curve : curves.calibration,
  };
}

function modelEntry(
  model: ScoredModel,
  metrics: MetricValues,
  options: MetricOptions,
  eceBins: number,
): ModelEntry {
  const entry: ModelEntry = {
    label: model.file.label,
    path: model.file.path,
    sha256: model.file.sha256,
    bytes: model.file.bytes,
    registry: model.file.registry,
    spec: model.specSource,
    features: model.features,
    metrics: metricMap(metrics),
    costs: model.costs,
    curves: curvesOf(model.predictions, eceBins),
  };
  if (model.predictions.task !== 'regression') {
    const report = classificationReport(model.predictions, options);
    entry.perClass = report.perClass.map((c) => ({
      index: c.index,
      name: c.name,
      support: c.support,
      predicted: c.predicted,
      precision: c.precision,
      recall: c.recall,
      f1: c.f1,
      rocAuc: metricJson(c.rocAuc),
      averagePrecision: metricJson(c.averagePrecision),
    }));
    entry.confusionMatrix = report.confusionMatrix;
  }
  return entry;
}

function comparisonJson(c: MetricComparison): ComparisonJson {
  return {
    metric: c.metric,
    lowerIsBetter: lowerIsBetter(c.metric),
    challenger: metricJson(c.challenger),
    champion: metricJson(c.champion),
    difference: metricJson(c.difference),
    interval: c.interval,
    ...(c.mcnemar ? { mcnemar: c.mcnemar } : {}),
  };
}

/** The champion's own file: the same sha256, and (a check on the sha256 given) the same output on every row. */
function sameModel(challenger: ScoredModel, champion: ScoredModel): boolean {
  return (
    challenger.file.sha256 === champion.file.sha256 &&
    samePredictions(challenger.predictions, champion.predictions)
  );
}

/** The warning for a non-inferiority rule the holdout is too small to judge well. */
function powerWarning(outcome: RuleOutcome): string | undefined {
  const power = outcome.power;
  if (!power || power.enough) return undefined;
  const enough =
    power.rowsNeeded === null
      ? ''
      : ` About ${power.rowsNeeded.toLocaleString('en-US')} rows would be enough.`;
  return `The holdout (${power.rows} rows) is too small for gate.${outcome.metric}.non_inferiority ${formatNumber(outcome.threshold as number)}: its minimum detectable effect (MDE, 80% power) is ${formatNumber(power.mde)}, above the margin, so an equally good challenger passes only ${formatPercent(power.equalPassProbability)} of the time.${enough}`;
}

const SOURCE_NOTES = { configured: '', default: ' (the default gate)', none: ' (gate: none)' } as const;

function gateJson(gate: ResolvedGate, verdict: GateVerdict, level: number): EvaluationDocument['gate'] {
  return {
    pass: verdict.pass,
    champion: verdict.champion,
    summary: `${verdict.summary}${SOURCE_NOTES[gate.source]}`,
    source: gate.source,
    note: gate.note,
    level,
    rules: verdict.outcomes,
  };
}

/** Intervals by default: each metric costs a pass over every resample, so the gated ones and two headline metrics. */
export const HEADLINE_METRICS: Record<'classification' | 'regression', readonly MetricName[]> = {
  classification: ['accuracy', 'log_loss'],
  regression: ['rmse', 'mae'],
};

/** The prediction metrics that get a bootstrap interval, in the task's metric order. */
export function intervalMetrics(rules: GateRules, task: Task, setting?: 'all' | MetricName[]): MetricName[] {
  const all = predictionMetrics(task);
  if (setting === 'all') return [...all];
  const wanted = new Set<MetricName>([
    ...(Object.keys(rules) as MetricName[]),
    ...(setting ?? HEADLINE_METRICS[task === 'regression' ? 'regression' : 'classification']),
  ]);
  return all.filter((m) => wanted.has(m));
}

/** The metric slices are ranked by in reports. */
export function sliceMetric(rules: GateRules, task: Task): MetricName {
  const gated = (Object.keys(rules) as MetricName[]).filter(
    (m) => !isCostMetric(m) && !metricMismatch(m, task),
  );
  return gated[0] ?? (task === 'regression' ? 'rmse' : 'accuracy');
}

function sliceEntries(challenger: SliceResult[], champion: SliceResult[] | undefined): SliceEntry[] {
  return challenger.map((s, i) => {
    const head = { column: s.column, value: s.value, kind: s.kind, count: s.count };
    if ('tooSmall' in s) return { ...head, tooSmall: s.tooSmall };
    const other = champion?.[i];
    return {
      ...head,
      challenger: metricMap(s.metrics),
      ...(other && 'metrics' in other ? { champion: metricMap(other.metrics) } : {}),
    };
  });
}

/**
 * Everything evaluation.json holds, from the models' outputs on the holdout:
 * metrics, per-class scores, curves, slices, costs, the paired comparisons
 * with their intervals and the gate's verdict. Pure: the same input gives
 * the same document.
 */
export function buildEvaluation(input: EvaluationInput): EvaluationDocument {
  const { settings, challenger, champion } = input;
  const gate = resolveGate(input.rules, input.task);
  const { rules } = gate;
  const metricOptions: MetricOptions = { eceBins: settings.eceBins };
  const slices = defineSlices(input.sliceColumns, { bins: settings.sliceBins });
  const evidence = collectGateEvidence({
    rules,
    challenger: challenger.predictions,
    ...(champion ? { champion: champion.predictions } : {}),
    ...(champion && sameModel(challenger, champion) ? { identical: true } : {}),
    challengerCosts: costValues(challenger.costs),
    ...(champion ? { championCosts: costValues(champion.costs, UNTIMED_COSTS) } : {}),
    slices,
    minSliceSize: settings.minSliceSize,
    bootstrap: settings.bootstrap,
    metricOptions,
    compare: intervalMetrics(rules, input.task, settings.intervals),
  });
  const verdict = evaluateGate(rules, evidence);
  const challengerEntry = modelEntry(challenger, evidence.challenger, metricOptions, settings.eceBins);
  const championEntry =
    champion && evidence.champion
      ? modelEntry(
          champion,
          { ...evidence.champion, ...costValues(champion.costs) },
          metricOptions,
          settings.eceBins,
        )
      : null;
  const sliceSettings = { minSize: settings.minSliceSize, metricOptions };
  const comparisons = Object.values(evidence.comparisons ?? {}) as MetricComparison[];
  return {
    version: EVALUATION_VERSION,
    model: input.model,
    task: input.task,
    target: input.target,
    verdict: verdict.pass ? 'pass' : 'fail',
    gate: gateJson(gate, verdict, settings.bootstrap.level),
    championNote: champion ? null : (input.championNote ?? null),
    metrics: challengerEntry.metrics,
    challenger: challengerEntry,
    champion: championEntry,
    holdout: input.holdout,
    comparisons: comparisons.map(comparisonJson),
    slices: {
      columns: input.sliceColumns.map((c) => c.name),
      bins: settings.sliceBins,
      minSize: settings.minSliceSize,
      metric: sliceMetric(rules, input.task),
      entries: sliceEntries(
        sliceMetrics(slices, challenger.predictions, sliceSettings),
        champion ? sliceMetrics(slices, champion.predictions, sliceSettings) : undefined,
      ),
    },
    settings: { bootstrap: settings.bootstrap, eceBins: settings.eceBins },
    warnings: [
      ...(input.warnings ?? []),
      ...verdict.outcomes.map(powerWarning).filter((w): w is string => w !== undefined),
    ],
  };
}
