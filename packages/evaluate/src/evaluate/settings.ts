import type { EvaluateConfig, MetricName } from '@modelgate/core';
import { DEFAULT_ECE_BINS } from '@modelgate/core';
import { type CostSettings, DEFAULT_COST_SETTINGS } from '../run/costs.js';
import { DEFAULT_SLICE_BINS } from '../slices/define.js';
import { DEFAULT_MIN_SLICE_SIZE } from '../slices/metrics.js';
import {
  DEFAULT_BOOTSTRAP_REPLICATES,
  DEFAULT_BOOTSTRAP_SEED,
  DEFAULT_CONFIDENCE,
} from '../stats/bootstrap.js';

/** `evaluate:` of modelgate.yaml with its defaults filled in. */
export interface EvaluationSettings {
  /** Slice columns; 'auto' = the challenger's features. */
  slices: 'auto' | string[];
  sliceBins: number;
  minSliceSize: number;
  eceBins: number;
  bootstrap: { replicates: number; seed: number; level: number };
  /** Metrics given a bootstrap interval; undefined = the gated ones and the task's headline metrics. */
  intervals?: 'all' | MetricName[];
  costs: CostSettings;
  /** The stage the champion is taken from; undefined = the registry's last stage. */
  championStage?: string;
}

export function evaluationSettings(config: EvaluateConfig = {}): EvaluationSettings {
  const settings: EvaluationSettings = {
    slices: config.slices ?? 'auto',
    sliceBins: config.slice_bins ?? DEFAULT_SLICE_BINS,
    minSliceSize: config.min_slice_size ?? DEFAULT_MIN_SLICE_SIZE,
    eceBins: config.ece_bins ?? DEFAULT_ECE_BINS,
    bootstrap: {
      replicates: config.bootstrap?.resamples ?? DEFAULT_BOOTSTRAP_REPLICATES,
      seed: config.bootstrap?.seed ?? DEFAULT_BOOTSTRAP_SEED,
      level: config.bootstrap?.confidence ?? DEFAULT_CONFIDENCE,
    },
    costs: {
      latencyRuns: config.latency?.runs ?? DEFAULT_COST_SETTINGS.latencyRuns,
      warmupRuns: config.latency?.warmup ?? DEFAULT_COST_SETTINGS.warmupRuns,
      batchRows: config.throughput?.batch_rows ?? DEFAULT_COST_SETTINGS.batchRows,
      batchRuns: config.throughput?.runs ?? DEFAULT_COST_SETTINGS.batchRuns,
    },
  };
  if (config.bootstrap?.metrics) settings.intervals = config.bootstrap.metrics;
  if (config.champion_stage) settings.championStage = config.champion_stage;
  return settings;
}
