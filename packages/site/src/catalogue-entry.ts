import type { MonitorStatus } from './load/monitor.js';
import { versionMetrics } from './metrics.js';
import type { ModelView } from './render/model-view.js';
import type { StageInfo } from './timeline.js';

export interface CatalogueVersion {
  version: string;
  registered: string | null;
  stages: string[];
  archived: boolean;
  verdict: 'pass' | 'fail' | null;
  metrics: Record<string, number>;
  /** Which file the metrics were read from. */
  metricsFrom: 'evaluation.json' | 'metadata.json' | null;
  /** Files the version lacks or that could not be read. */
  missing: string[];
}

/** What the catalogue and index.json keep of a model once its pages are written. */
export interface CatalogueEntry {
  name: string;
  task: string | null;
  primaryMetric: string | null;
  charted: string[];
  stages: (StageInfo & { value: number | null; exists: boolean })[];
  stagesError: string | null;
  monitoring: { status: MonitorStatus; date: string | null; version: string | null; runs: number } | null;
  versions: CatalogueVersion[];
}

export function catalogueEntry(view: ModelView): CatalogueEntry {
  const { model } = view;
  const primary = view.charted[0] ?? null;
  const latest = view.monitoring.at(-1);
  return {
    name: model.name,
    task: view.task,
    primaryMetric: primary,
    charted: view.charted,
    stagesError: model.stagesError,
    stages: view.stages.map((s) => {
      const version = model.versions.find((v) => v.version === s.version);
      const value = version && primary ? versionMetrics(version).values[primary] : undefined;
      return { ...s, value: value ?? null, exists: version !== undefined };
    }),
    monitoring: latest
      ? { status: latest.status, date: latest.date, version: latest.version, runs: view.monitoring.length }
      : null,
    versions: model.versions.map((v) => {
      const metrics = versionMetrics(v);
      return {
        version: v.version,
        registered: v.metadata?.createdAt ?? null,
        stages: v.stages,
        archived: v.archived !== null,
        verdict: v.evaluation?.verdict ?? null,
        metrics: metrics.values,
        metricsFrom: metrics.source,
        missing: v.missing,
      };
    }),
  };
}
