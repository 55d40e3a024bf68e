/** A metric is a number, or undefined with the reason; never NaN. */
export type MetricResult = { value: number } | { undefined: string };

export function defined(value: number): MetricResult {
  if (!Number.isFinite(value)) return { undefined: `the value is not finite (${value})` };
  return { value };
}

export function undefinedMetric(reason: string): MetricResult {
  return { undefined: reason };
}

export function isDefined(result: MetricResult): result is { value: number } {
  return 'value' in result;
}

/** The number, or `undefined` when the metric is undefined. */
export function metricValue(result: MetricResult | undefined): number | undefined {
  return result && 'value' in result ? result.value : undefined;
}

/** The reason a metric is undefined, or `undefined` when it has a value. */
export function metricReason(result: MetricResult | undefined): string | undefined {
  return result && 'undefined' in result ? result.undefined : undefined;
}
