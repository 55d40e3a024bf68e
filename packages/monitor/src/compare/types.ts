import type { Task, TaskPredictions } from '@modelgate/core';
import type { DriftSection } from '../drift/types.js';
import type { MetricValues } from '../performance/types.js';
import type { Note } from '../report/types.js';
import type { DifferenceSummary } from './differences.js';
import type { LatencyComparison } from './latency.js';

export const COMPARE_FORMAT = 'modelgate.compare/1';

/** Both models' predictions on the same labeled live rows: what the holdout gate judges. */
export interface PairedPredictions {
  /** The champion: the model answering requests. */
  production: TaskPredictions;
  /** The challenger: the shadow. */
  shadow: TaskPredictions;
}

/** One gate rule's outcome, as the evaluate package reports it (the fields this report shows). */
export interface OnlineRuleOutcome {
  metric: string;
  rule: string;
  status: 'pass' | 'fail' | 'skipped';
  reason: string;
  challenger?: number;
  champion?: number;
  improvement?: number;
  interval?: [number, number];
  method?: string;
  power?: { rows: number; mde: number; enough: boolean; rowsNeeded: number | null };
}

/** The holdout gate's verdict on the paired live rows. */
export interface OnlineGate {
  pass: boolean;
  summary: string;
  /** Where the rules came from (the default gate, say); null for configured rules. */
  note: string | null;
  outcomes: OnlineRuleOutcome[];
}

/**
 * Judges paired live rows with the holdout gate's statistics. Monitor imports
 * only core, so the caller (the CLI) hands in evaluate's gate.
 */
export type OnlineJudge = (rows: PairedPredictions) => OnlineGate;

export interface ComparedChunk {
  label: string;
  start: string | null;
  end: string | null;
  /** Rows both models scored. */
  rows: number;
  /** Classifiers: the share of rows given the same class. */
  agreement: number | null;
  /** Regression: shadow − production. */
  difference: DifferenceSummary | null;
  /** The shadow's outputs against production's on these rows. */
  drift: DriftSection & { drift: boolean };
  latency: LatencyComparison;
  /** Paired rows with a label, and each model's metrics on them. */
  labeled: number;
  metrics: { production: MetricValues; shadow: MetricValues } | null;
  /** The gate on this chunk's labeled paired rows; null without labels (or a gate). */
  gate: OnlineGate | null;
}

export type OnlineStatus = 'pass' | 'fail' | 'pending';

export interface ShadowComparison {
  format: typeof COMPARE_FORMAT;
  model: string | null;
  /** The model the shadow rows name, when they name one: another model than `model` where the shadow is one. */
  shadowModel: string | null;
  task: Task;
  classes: readonly string[];
  versions: { production: string[]; shadow: string[] };
  source: string;
  createdAt: string;
  chunk: string;
  rows: {
    production: number;
    shadow: number;
    paired: number;
    productionOnly: number;
    shadowOnly: number;
  };
  window: ComparedChunk;
  chunks: ComparedChunk[];
  labels: {
    source: string;
    /** Rows of the labels file. */
    rows: number;
    /** Paired rows that got a label. */
    matched: number;
    /** Labels of rows only one model scored: left out of the paired statistics. */
    excluded: number;
    /** Labels that are not a class of the model. */
    unknown: number;
  } | null;
  gate: OnlineGate | null;
  verdict: { status: OnlineStatus; summary: string };
  notes: Note[];
}
