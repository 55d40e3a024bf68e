import { lowerIsBetter, type MetricName } from '@modelgate/core';

/** How much better the challenger is: positive is better, whichever way the metric points. */
export function improvement(metric: MetricName, challenger: number, champion: number): number {
  return lowerIsBetter(metric) ? champion - challenger : challenger - champion;
}

/** An interval of challenger - champion turned into an interval of the improvement. */
export function improvementInterval(metric: MetricName, low: number, high: number): [number, number] {
  return lowerIsBetter(metric) ? [-high, -low] : [low, high];
}

export function direction(metric: MetricName): string {
  return lowerIsBetter(metric) ? 'lower is better' : 'higher is better';
}
