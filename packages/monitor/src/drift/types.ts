import type { ColumnKind } from '@modelgate/core';
import type { DriftMethod } from './methods.js';
import type { Correction } from './options.js';

/**
 * drift / stable: tested; constant: one and the same value on both sides (never drift);
 * too_small: fewer values than `minRows` on a side (flagged, not alarmed);
 * skipped: not tested (text, datetime unless configured, a changed kind);
 * missing: the column is absent from the current data.
 */
export type DriftStatus = 'drift' | 'stable' | 'constant' | 'too_small' | 'skipped' | 'missing';

export interface SideCounts {
  rows: number;
  /** Values tested: non-null, and finite for numbers. */
  count: number;
}

export interface ColumnDrift {
  column: string;
  kind: ColumnKind;
  method: DriftMethod | null;
  statistic: number | null;
  /** For ks, chisquare and z. */
  pValue?: number;
  /** The p-value after the section's multiple-testing correction, when one is set. */
  adjustedPValue?: number;
  threshold: number | null;
  drifted: boolean;
  status: DriftStatus;
  /** One line a person reads: the statistic against its threshold, or why the column was not tested. */
  detail: string;
  /** 'samples': exact; 'profile': from sketches and category counts. */
  source: 'samples' | 'profile';
  reference: SideCounts;
  current: SideCounts | null;
  /** Bins compared by a binned method, after dropping bins empty on both sides. */
  bins?: number;
  /** True when the empty-bin rule added its epsilon to every bin. */
  smoothed?: boolean;
  /**
   * A bound on |statistic − exact statistic|: 0 when computed on exact values or counts,
   * the sketch bound for ks and wasserstein on profiles; absent for binned methods on
   * sketches (no bound is computed, see DRIFT.md).
   */
  sketchError?: number;
  /** True when a statistic anywhere within `sketchError` of this one would reverse the call. */
  borderline?: boolean;
}

export interface DriftSection {
  columns: ColumnDrift[];
  /** Columns with status drift, stable or constant. */
  evaluated: number;
  drifted: number;
  /** drifted / evaluated, 0 when nothing was evaluated. */
  share: number;
}

export interface DriftReport extends DriftSection {
  /** share ≥ shareThreshold (and something was evaluated). */
  datasetDrift: boolean;
  /** The model's outputs, tested the same way; null when no prediction columns were given. */
  predictions: (DriftSection & { drift: boolean }) | null;
  /** The current window has fewer rows than minRows: every column is too_small. */
  tooSmall: boolean;
  reference: { rows: number };
  current: { rows: number };
  settings: { shareThreshold: number; correction: Correction; minRows: number; bins: number };
}
