import type { LoadedVersion } from './load/registry.js';

/** Where a version's metrics come from: its evaluation, else what the registry recorded at registration. */
export interface VersionMetrics {
  values: Record<string, number>;
  source: 'evaluation.json' | 'metadata.json' | null;
}

export function versionMetrics(v: LoadedVersion): VersionMetrics {
  if (v.evaluation) return { values: v.evaluation.metrics, source: 'evaluation.json' };
  if (v.metadata && Object.keys(v.metadata.metrics).length > 0)
    return { values: v.metadata.metrics, source: 'metadata.json' };
  return { values: {}, source: null };
}

/** Metrics worth a chart when nothing gates them, by task, most telling first. */
const BY_TASK: Readonly<Record<string, readonly string[]>> = {
  binary: ['roc_auc', 'accuracy', 'log_loss', 'f1', 'average_precision', 'brier'],
  multiclass: ['accuracy', 'log_loss', 'f1_macro', 'roc_auc', 'balanced_accuracy'],
  regression: ['rmse', 'mae', 'r2', 'mape'],
};
const ANY_TASK = ['accuracy', 'roc_auc', 'rmse', 'log_loss', 'f1_macro', 'mae', 'r2'];
const MAX_CHARTED = 4;

/**
 * The primary metric (the first one the gate checks, else the task's usual one) and up to three more,
 * among those the versions have: what the catalogue shows and the model page charts.
 */
export function chartedMetrics(versions: readonly LoadedVersion[], task: string | null): string[] {
  const present = new Set(versions.flatMap((v) => Object.keys(versionMetrics(v).values)));
  const latestRules =
    [...versions].reverse().find((v) => (v.evaluation?.rules.length ?? 0) > 0)?.evaluation?.rules ?? [];
  const candidates = [
    ...latestRules.map((r) => r.metric),
    ...(task ? (BY_TASK[task] ?? []) : []),
    ...ANY_TASK,
    ...[...present].sort(),
  ];
  return [...new Set(candidates)].filter((m) => present.has(m)).slice(0, MAX_CHARTED);
}

export function modelTask(versions: readonly LoadedVersion[]): string | null {
  for (const v of [...versions].reverse()) {
    if (v.metadata?.task) return v.metadata.task;
    const task = (v.evaluation?.document as { task?: unknown } | null)?.task;
    if (typeof task === 'string') return task;
  }
  return null;
}
