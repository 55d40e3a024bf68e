import type { MetricName } from '@modelgate/core';
import {
  computeMetric,
  type MetricOptions,
  type MetricResult,
  predictionMetrics,
  rowCount,
  selectRows,
  type TaskPredictions,
} from '@modelgate/core';
import type { SliceDefinition } from './define.js';

export const DEFAULT_MIN_SLICE_SIZE = 30;

export interface SliceSettings {
  /** Slices with fewer rows are flagged, not computed; default 30. */
  minSize?: number;
  /** Default: every metric of the task. */
  metrics?: readonly MetricName[];
  metricOptions?: MetricOptions;
}

interface SliceHeader {
  column: string;
  value: string;
  kind: SliceDefinition['kind'];
  count: number;
}

export type SliceResult = SliceHeader &
  ({ metrics: Partial<Record<MetricName, MetricResult>> } | { tooSmall: string });

function header(slice: SliceDefinition): SliceHeader {
  return { column: slice.column, value: slice.value, kind: slice.kind, count: slice.rows.length };
}

export function tooSmallReason(count: number, minSize: number): string | undefined {
  return count < minSize ? `${count} rows, fewer than the minimum slice size ${minSize}` : undefined;
}

function checkRows(slices: readonly SliceDefinition[], n: number): void {
  for (const s of slices) {
    for (const r of s.rows) {
      if (r >= n)
        throw new RangeError(`slice ${s.column}=${s.value} has row ${r}, the predictions ${n} rows`);
    }
  }
}

/** Every metric per slice; slices below the minimum size are flagged instead. */
export function sliceMetrics(
  slices: readonly SliceDefinition[],
  predictions: TaskPredictions,
  settings: SliceSettings = {},
): SliceResult[] {
  checkRows(slices, rowCount(predictions));
  const minSize = settings.minSize ?? DEFAULT_MIN_SLICE_SIZE;
  const names = settings.metrics ?? predictionMetrics(predictions.task);
  return slices.map((slice) => {
    const small = tooSmallReason(slice.rows.length, minSize);
    if (small) return { ...header(slice), tooSmall: small };
    const subset = selectRows(predictions, slice.rows);
    const metrics: Partial<Record<MetricName, MetricResult>> = {};
    for (const name of names) metrics[name] = computeMetric(name, subset, settings.metricOptions);
    return { ...header(slice), metrics };
  });
}

/** One metric of both models on one slice. */
export type SliceComparison = SliceHeader &
  ({ challenger: MetricResult; champion: MetricResult } | { tooSmall: string });

/** `metric` of the challenger and the champion on each slice of the same holdout rows. */
export function compareSlices(
  slices: readonly SliceDefinition[],
  metric: MetricName,
  challenger: TaskPredictions,
  champion: TaskPredictions,
  settings: Omit<SliceSettings, 'metrics'> = {},
): SliceComparison[] {
  checkRows(slices, Math.min(rowCount(challenger), rowCount(champion)));
  const minSize = settings.minSize ?? DEFAULT_MIN_SLICE_SIZE;
  return slices.map((slice) => {
    const small = tooSmallReason(slice.rows.length, minSize);
    if (small) return { ...header(slice), tooSmall: small };
    return {
      ...header(slice),
      challenger: computeMetric(metric, selectRows(challenger, slice.rows), settings.metricOptions),
      champion: computeMetric(metric, selectRows(champion, slice.rows), settings.metricOptions),
    };
  });
}
