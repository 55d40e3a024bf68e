import { CompensatedSum, type RegressionInput, regressionProblem } from '@modelgate/core';
import { type Histogram, histogram } from '../stats/histogram.js';
import { quantileSorted } from '../stats/quantile.js';
import { downsampleIndices, MAX_CHART_POINTS } from './downsample.js';
import type { CurveResult } from './result.js';

export const RESIDUAL_QUANTILES = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1] as const;

export interface ResidualSummary {
  /** Residual = y_true - y_pred (positive: the model predicts too low). */
  count: number;
  mean: number;
  /** Population standard deviation (numpy's default ddof=0). */
  std: number;
  quantiles: { q: number; value: number }[];
  histogram: Histogram;
  /** Residual against prediction, ordered by prediction, thinned for a chart. */
  points: { predicted: number; residual: number }[];
}

export interface ResidualOptions {
  bins?: number;
  quantiles?: readonly number[];
  maxPoints?: number;
}

export function residualSummary(
  input: RegressionInput,
  options: ResidualOptions = {},
): CurveResult<ResidualSummary> {
  const problem = regressionProblem(input);
  if (problem) return { undefined: problem };
  const n = input.yTrue.length;
  const residuals = Float64Array.from(input.yTrue, (y, i) => y - (input.yPred[i] as number));
  const sum = new CompensatedSum();
  for (const r of residuals) sum.add(r);
  const mean = sum.value / n;
  const squares = new CompensatedSum();
  for (const r of residuals) squares.add((r - mean) ** 2);
  const sorted = Float64Array.from(residuals).sort();
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (input.yPred[a] as number) - (input.yPred[b] as number),
  );
  const predicted = order.map((i) => input.yPred[i] as number);
  const ordered = order.map((i) => residuals[i] as number);
  const points = downsampleIndices(predicted, ordered, options.maxPoints ?? MAX_CHART_POINTS).map((j) => ({
    predicted: predicted[j] as number,
    residual: ordered[j] as number,
  }));
  return {
    curve: {
      count: n,
      mean,
      std: Math.sqrt(squares.value / n),
      quantiles: (options.quantiles ?? RESIDUAL_QUANTILES).map((q) => ({
        q,
        value: quantileSorted(sorted, q),
      })),
      histogram: histogram(residuals, options.bins ?? 20),
      points,
    },
  };
}
