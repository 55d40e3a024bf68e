import { REGRESSION_METRICS } from '../config/metrics.js';
import { checkRegression, firstNonFinite, type RegressionInput } from './inputs.js';
import { defined, type MetricResult, undefinedMetric } from './result.js';
import { CompensatedSum } from './sum.js';

export type RegressionMetricName = (typeof REGRESSION_METRICS)[number];

/** numpy's float64 eps: MAPE's guard against dividing by a zero target (scikit-learn). */
const FLOAT64_EPS = 2 ** -52;

/** Why no regression metric can be computed, or undefined when all can. */
export function regressionProblem(input: RegressionInput): string | undefined {
  checkRegression(input);
  if (input.yTrue.length === 0) return 'no rows';
  const badTruth = firstNonFinite(input.yTrue);
  if (badTruth >= 0) return `the target contains ${input.yTrue[badTruth]} (row ${badTruth})`;
  const badPrediction = firstNonFinite(input.yPred);
  if (badPrediction >= 0)
    return `the predictions contain ${input.yPred[badPrediction]} (row ${badPrediction})`;
  return undefined;
}

function meanOver(input: RegressionInput, term: (y: number, p: number) => number): number {
  const sum = new CompensatedSum();
  for (let i = 0; i < input.yTrue.length; i++)
    sum.add(term(input.yTrue[i] as number, input.yPred[i] as number));
  return sum.value / input.yTrue.length;
}

export function meanAbsoluteError(input: RegressionInput): number {
  return meanOver(input, (y, p) => Math.abs(y - p));
}

export function rootMeanSquaredError(input: RegressionInput): number {
  return Math.sqrt(meanOver(input, (y, p) => (y - p) ** 2));
}

/** Mean of |y - p| / max(|y|, eps): a fraction, not a percentage (scikit-learn). */
export function meanAbsolutePercentageError(input: RegressionInput): number {
  return meanOver(input, (y, p) => Math.abs(y - p) / Math.max(Math.abs(y), FLOAT64_EPS));
}

/** The median of |y - p|; the mean of the two middle values for an even count (numpy). */
export function medianAbsoluteError(input: RegressionInput): number {
  const errors = Float64Array.from(input.yTrue, (y, i) => Math.abs(y - (input.yPred[i] as number))).sort();
  const mid = errors.length >> 1;
  return errors.length % 2
    ? (errors[mid] as number)
    : ((errors[mid - 1] as number) + (errors[mid] as number)) / 2;
}

/**
 * 1 - SS_res / SS_tot. Undefined for fewer than 2 rows or a constant target,
 * where scikit-learn returns nan or (force_finite) a made-up 0 or 1.
 */
export function r2Score(input: RegressionInput): MetricResult {
  const n = input.yTrue.length;
  if (n < 2) return undefinedMetric('R² needs at least 2 rows');
  const mean = meanOver(input, (y) => y);
  const total = new CompensatedSum();
  const residual = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const y = input.yTrue[i] as number;
    total.add((y - mean) ** 2);
    residual.add((y - (input.yPred[i] as number)) ** 2);
  }
  if (total.value === 0) return undefinedMetric('the target is constant: R² divides by its zero variance');
  return defined(1 - residual.value / total.value);
}

export function regressionMetric(name: RegressionMetricName, input: RegressionInput): MetricResult {
  const problem = regressionProblem(input);
  if (problem) return undefinedMetric(problem);
  switch (name) {
    case 'mae':
      return defined(meanAbsoluteError(input));
    case 'rmse':
      return defined(rootMeanSquaredError(input));
    case 'r2':
      return r2Score(input);
    case 'mape':
      return defined(meanAbsolutePercentageError(input));
    case 'median_absolute_error':
      return defined(medianAbsoluteError(input));
  }
}

export function regressionMetrics(input: RegressionInput): Record<RegressionMetricName, MetricResult> {
  const out = {} as Record<RegressionMetricName, MetricResult>;
  for (const name of REGRESSION_METRICS) out[name] = regressionMetric(name, input);
  return out;
}
