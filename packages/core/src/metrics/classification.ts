import { CLASSIFICATION_METRICS } from '../config/metrics.js';
import { type Classification, type ClassificationInput, resolveClassification } from './inputs.js';
import {
  accuracy,
  averageScore,
  balancedAccuracy,
  type ClassScores,
  confusionMatrix,
  perClassScores,
} from './labels.js';
import { brier, DEFAULT_ECE_BINS, expectedCalibrationError, logLoss } from './probabilistic.js';
import {
  averagePrecisionFromCounts,
  averagePrecisionScore,
  oneVsRest,
  rocAucFromCounts,
  rocAucScore,
  thresholdCounts,
} from './ranking.js';
import { type MetricResult, undefinedMetric } from './result.js';

export type ClassificationMetricName = (typeof CLASSIFICATION_METRICS)[number];
/** Reported beside the metrics a gate can use. */
export type ReportedClassificationMetric =
  | ClassificationMetricName
  | 'precision_weighted'
  | 'recall_weighted';

export interface ClassificationOptions {
  /** Equal-width bins of the expected calibration error; default 10. */
  eceBins?: number;
}

function metricOf(
  name: ReportedClassificationMetric,
  c: Classification,
  scores: () => ClassScores[],
  options: ClassificationOptions,
): MetricResult {
  switch (name) {
    case 'accuracy':
      return accuracy(c.yTrue, c.yPred);
    case 'balanced_accuracy':
      return balancedAccuracy(scores());
    case 'precision_macro':
      return averageScore(scores(), 'precision', 'macro');
    case 'recall_macro':
      return averageScore(scores(), 'recall', 'macro');
    case 'f1_macro':
      return averageScore(scores(), 'f1', 'macro');
    case 'precision_weighted':
      return averageScore(scores(), 'precision', 'weighted');
    case 'recall_weighted':
      return averageScore(scores(), 'recall', 'weighted');
    case 'f1_weighted':
      return averageScore(scores(), 'f1', 'weighted');
    case 'roc_auc':
      return rocAucScore(c);
    case 'average_precision':
      return averagePrecisionScore(c);
    case 'log_loss':
      return logLoss(c);
    case 'brier':
      return brier(c);
    case 'ece':
      return expectedCalibrationError(c, options.eceBins ?? DEFAULT_ECE_BINS);
  }
}

function lazyScores(c: Classification): () => ClassScores[] {
  let scores: ClassScores[] | undefined;
  return () => {
    scores ??= perClassScores(confusionMatrix(c.yTrue, c.yPred, c.classes));
    return scores;
  };
}

/** One classification metric, scikit-learn's definition (see each function for edge cases). */
export function classificationMetric(
  name: ReportedClassificationMetric,
  input: ClassificationInput,
  options: ClassificationOptions = {},
): MetricResult {
  const c = resolveClassification(input);
  if (c.n === 0) return undefinedMetric('no rows');
  return metricOf(name, c, lazyScores(c), options);
}

export interface ClassReport extends ClassScores {
  index: number;
  name: string;
  /** One-vs-rest, from the class's probability column. */
  rocAuc: MetricResult;
  averagePrecision: MetricResult;
}

export interface ClassificationReport {
  rows: number;
  classes: number;
  metrics: Record<ReportedClassificationMetric, MetricResult>;
  perClass: ClassReport[];
  /** confusionMatrix[true][predicted] over all classes. */
  confusionMatrix: number[][];
}

const REPORTED: readonly ReportedClassificationMetric[] = [
  ...CLASSIFICATION_METRICS,
  'precision_weighted',
  'recall_weighted',
];

export function classificationReport(
  input: ClassificationInput,
  options: ClassificationOptions = {},
): ClassificationReport {
  const c = resolveClassification(input);
  const confusion = confusionMatrix(c.yTrue, c.yPred, c.classes);
  const scores = perClassScores(confusion);
  const metrics = {} as Record<ReportedClassificationMetric, MetricResult>;
  for (const name of REPORTED) {
    metrics[name] = c.n === 0 ? undefinedMetric('no rows') : metricOf(name, c, () => scores, options);
  }
  const perClass = scores.map((s, k): ClassReport => {
    const counts = c.noProbabilities ? undefined : thresholdCounts(oneVsRest(c, k));
    const none = undefinedMetric(c.noProbabilities ?? 'no rows');
    return {
      index: k,
      name: c.className(k),
      ...s,
      rocAuc: counts ? rocAucFromCounts(counts) : none,
      averagePrecision: counts ? averagePrecisionFromCounts(counts) : none,
    };
  });
  return { rows: c.n, classes: c.classes, metrics, perClass, confusionMatrix: confusion };
}
