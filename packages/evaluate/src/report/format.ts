import type { IntervalJson, MetricJson } from '../evaluate/document.js';
import { formatNumber, formatSigned } from '../gate/format.js';

export const MISSING = '—';
export const UNDEFINED = 'undefined';

export function formatMetric(value: MetricJson | undefined): string {
  if (value === undefined) return MISSING;
  return typeof value === 'number' ? formatNumber(value) : UNDEFINED;
}

export function formatDelta(value: MetricJson | undefined): string {
  return typeof value === 'number' ? formatSigned(value) : MISSING;
}

export function formatInterval(interval: IntervalJson | { undefined: string } | undefined): string {
  if (!interval || 'undefined' in interval) return MISSING;
  return `[${formatSigned(interval.low)}, ${formatSigned(interval.high)}]`;
}

export function formatPercentLevel(level: number): string {
  return `${formatNumber(level * 100)}%`;
}

export function shortSha(sha256: string): string {
  return sha256.slice(0, 12);
}

export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}
