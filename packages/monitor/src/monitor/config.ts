import type { MonitorConfig, MonitorConfigFile } from '@modelgate/core';
import { parseChunkSpec } from '../chunks/spec.js';
import type { DriftMethod } from '../drift/methods.js';
import type { DriftKind, DriftOptions, MethodChoice } from '../drift/options.js';
import type { PerformanceSettings } from '../performance/types.js';
import type { MonitorOptions } from './options.js';

type ConfigChoice = {
  method?: DriftMethod | undefined;
  threshold?: number | undefined;
  bins?: number | undefined;
};

function choice(c: ConfigChoice): MethodChoice {
  return {
    ...(c.method !== undefined ? { method: c.method } : {}),
    ...(c.threshold !== undefined ? { threshold: c.threshold } : {}),
    ...(c.bins !== undefined ? { bins: c.bins } : {}),
  };
}

function defined<K extends string, V, W>(
  record: Partial<Record<K, V | undefined>>,
  map: (v: V) => W,
): Partial<Record<K, W>> {
  const out: Partial<Record<K, W>> = {};
  for (const [key, value] of Object.entries(record) as [K, V | undefined][]) {
    if (value !== undefined) out[key] = map(value);
  }
  return out;
}

/** modelgate.yaml's monitor.drift as drift options; a features list is the default set of columns. */
export function driftOptionsFromConfig(config: MonitorConfigFile | undefined): DriftOptions {
  const drift: NonNullable<MonitorConfig['drift']> = config?.monitor?.drift ?? {};
  const columns = drift.columns ?? (Array.isArray(config?.features) ? config.features : undefined);
  return {
    ...(columns ? { columns } : {}),
    ...(drift.ignore ? { ignore: drift.ignore } : {}),
    ...(drift.share !== undefined ? { shareThreshold: drift.share } : {}),
    ...(drift.correction ? { correction: drift.correction } : {}),
    ...(drift.bins !== undefined ? { bins: drift.bins } : {}),
    ...(drift.min_rows !== undefined ? { minRows: drift.min_rows } : {}),
    ...(drift.small_reference !== undefined ? { smallReference: drift.small_reference } : {}),
    ...(drift.by_kind
      ? { byKind: defined<DriftKind, ConfigChoice, MethodChoice>(drift.by_kind, choice) }
      : {}),
    ...(drift.by_column
      ? { byColumn: Object.fromEntries(Object.entries(drift.by_column).map(([k, v]) => [k, choice(v)])) }
      : {}),
    ...(drift.thresholds
      ? { thresholds: defined<DriftMethod, number, number>(drift.thresholds, (x) => x) }
      : {}),
  };
}

function performanceOptions(p: NonNullable<MonitorConfig['performance']>): Partial<PerformanceSettings> {
  return {
    ...(p.drop !== undefined ? { drop: p.drop } : {}),
    ...(p.rise !== undefined ? { rise: p.rise } : {}),
    ...(p.alert_on_estimates !== undefined ? { alertOnEstimates: p.alert_on_estimates } : {}),
  };
}

/**
 * Monitor options from modelgate.yaml: its time and id columns, its target,
 * and the monitor section. Command-line flags go over these.
 */
export function monitorOptionsFromConfig(config: MonitorConfigFile | undefined): MonitorOptions {
  const section = config?.monitor;
  return {
    ...(section?.chunk ? { chunk: parseChunkSpec(section.chunk, 'monitor.chunk') } : {}),
    ...(config?.time ? { time: config.time } : {}),
    ...(config?.target ? { target: config.target } : {}),
    ...(section?.prediction ? { prediction: section.prediction } : {}),
    ...(section?.exact_values !== undefined ? { exactValues: section.exact_values } : {}),
    ...(section?.baseline_chunks !== undefined ? { baselineChunks: section.baseline_chunks } : {}),
    ...(section?.min_chunk_rows !== undefined ? { minChunkRows: section.min_chunk_rows } : {}),
    ...(section?.outlier_threshold !== undefined ? { outlierThreshold: section.outlier_threshold } : {}),
    ...(section?.sigma !== undefined ? { sigma: section.sigma } : {}),
    ignore: config?.id ?? [],
    drift: driftOptionsFromConfig(config),
    ...(section?.performance ? { performance: performanceOptions(section.performance) } : {}),
  };
}
