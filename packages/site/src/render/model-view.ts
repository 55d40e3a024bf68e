import type { HistoryEvent } from '@modelgate/registry';
import type { MonitorRun } from '../load/monitor.js';
import type { LoadedModel, LoadedVersion } from '../load/registry.js';
import type { RepositoryLinks } from '../load/repository.js';
import { chartedMetrics, modelTask } from '../metrics.js';
import { type StageInfo, stageInfo } from '../timeline.js';
import type { SiteContext } from './layout.js';

/** Everything the pages of one model are drawn from. */
export interface ModelView {
  model: LoadedModel;
  /** Newest first; null without git history (or before it is read). */
  history: HistoryEvent[] | null;
  task: string | null;
  /** The primary metric first, then the others the charts show. */
  charted: string[];
  stages: StageInfo[];
  /** The registry's last stage: what "against production" compares with. */
  lastStage: string | null;
  monitoring: MonitorRun[];
  repository: RepositoryLinks | null;
  site: SiteContext;
  versionNames: ReadonlySet<string>;
}

export function modelView(
  model: LoadedModel,
  history: HistoryEvent[] | null,
  stages: readonly string[],
  monitoring: MonitorRun[],
  repository: RepositoryLinks | null,
  site: SiteContext,
): ModelView {
  const task = modelTask(model.versions);
  return {
    model,
    history,
    task,
    charted: chartedMetrics(model.versions, task),
    stages: stageInfo(model, history, stages),
    lastStage: stages.at(-1) ?? null,
    monitoring,
    repository,
    site,
    versionNames: new Set(model.versions.map((v) => v.version)),
  };
}

/** The version the model page is about: the one in the last stage that has one, else the latest. */
export function featuredVersion(view: ModelView): LoadedVersion | undefined {
  const { versions } = view.model;
  for (const s of [...view.stages].reverse()) {
    const found = versions.find((v) => v.version === s.version);
    if (found) return found;
  }
  return versions.at(-1);
}
