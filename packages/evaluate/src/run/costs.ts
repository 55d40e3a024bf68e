import type { ColumnData } from '@modelgate/core';
import { type ColumnSet, type InferenceSession, runOnColumns } from '@modelgate/runtime';
import type { ProblemSpec, TrainingSet } from '@modelgate/train';
import { quantileSorted } from '../stats/quantile.js';

export interface CostSettings {
  /** Timed single-row runs. */
  latencyRuns: number;
  /** Untimed single-row runs before them. */
  warmupRuns: number;
  /** Rows per timed batch (holdout rows repeated when it has fewer). */
  batchRows: number;
  /** Timed batches, after one untimed. */
  batchRuns: number;
}

export const DEFAULT_COST_SETTINGS: CostSettings = {
  latencyRuns: 200,
  warmupRuns: 20,
  batchRows: 1000,
  batchRuns: 5,
};

/** What running the model costs, as measured on this machine (wall clock, so never asserted in tests). */
export interface CostMeasurement {
  model_size_mb: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  throughput_rows_per_s: number;
  settings: CostSettings;
}

/** A clock in milliseconds; injected so the measurement logic stays testable. */
export type Clock = () => number;

export const MEGABYTE = 1024 * 1024;

/**
 * Latency is timed in this many rounds and the round with the lowest p99
 * counts (timeit's best-of-n): on a shared CI runner other processes only
 * ever add time, and one stall would otherwise decide a p99 gate.
 */
export const LATENCY_ROUNDS = 5;

/** The rows `rows` of every feature column (repeats allowed). */
function gatherColumns(set: TrainingSet, rows: Int32Array): ColumnSet {
  const features = set.features.map((column): ColumnData => {
    if ('codes' in column) return { ...column, codes: Int32Array.from(rows, (r) => column.codes[r] ?? -1) };
    return {
      ...column,
      values: Float64Array.from(rows, (r) => column.values[r] ?? Number.NaN),
      valid: Uint8Array.from(rows, (r) => column.valid[r] ?? 0),
    };
  });
  return { rows: rows.length, features };
}

function cycle(length: number, rows: number): Int32Array {
  return Int32Array.from({ length }, (_, i) => i % rows);
}

/**
 * Model size from its bytes; single-row latency p50/p99 (numpy's linear
 * quantiles) over `latencyRuns` runs cycling through the holdout rows after
 * `warmupRuns` untimed ones, best of LATENCY_ROUNDS rounds; throughput from `batchRuns` batches of
 * `batchRows` rows. Each run goes through runOnColumns, as serving does.
 */
export async function measureCosts(
  session: InferenceSession,
  spec: ProblemSpec,
  set: TrainingSet,
  modelBytes: number,
  settings: CostSettings = DEFAULT_COST_SETTINGS,
  now: Clock = () => performance.now(),
): Promise<CostMeasurement> {
  const singles = Array.from({ length: Math.min(set.rows, settings.latencyRuns) }, (_, i) =>
    gatherColumns(set, Int32Array.of(i)),
  );
  const single = (i: number) => singles[i % singles.length] as ColumnSet;
  for (let i = 0; i < settings.warmupRuns; i++) await runOnColumns(session, spec, single(i));
  let best: { p50: number; p99: number } | undefined;
  for (let round = 0; round < LATENCY_ROUNDS; round++) {
    const times = new Float64Array(settings.latencyRuns);
    for (let i = 0; i < settings.latencyRuns; i++) {
      const started = now();
      await runOnColumns(session, spec, single(i));
      times[i] = now() - started;
    }
    times.sort();
    const p99 = quantileSorted(times, 0.99);
    if (!best || p99 < best.p99) best = { p50: quantileSorted(times, 0.5), p99 };
  }
  const batch = gatherColumns(set, cycle(settings.batchRows, set.rows));
  await runOnColumns(session, spec, batch);
  const started = now();
  for (let i = 0; i < settings.batchRuns; i++) await runOnColumns(session, spec, batch);
  const seconds = Math.max(now() - started, 1e-6) / 1000;
  return {
    model_size_mb: modelBytes / MEGABYTE,
    latency_p50_ms: best?.p50 ?? 0,
    latency_p99_ms: best?.p99 ?? 0,
    throughput_rows_per_s: (settings.batchRows * settings.batchRuns) / seconds,
    settings,
  };
}
