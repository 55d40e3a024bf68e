import type { CatalogueEntry } from './catalogue-entry.js';
import type { RepositoryLinks } from './load/repository.js';
import { SITE_PATHS } from './paths.js';
import type { Problem } from './problems.js';

export const SITE_FORMAT = 'modelgate.site/1';

/**
 * index.json: the site's content for other tools. Page URLs are the base URL (--base-url) followed by
 * the page's path, so they stay valid where the site is published.
 */
export function renderIndexJson(options: {
  entries: readonly CatalogueEntry[];
  stages: readonly string[];
  problems: readonly Problem[];
  baseUrl: string;
  generatedAt: string;
  repository: RepositoryLinks | null;
}): string {
  const url = (path: string) => `${options.baseUrl}${path}`;
  const document = {
    format: SITE_FORMAT,
    generatedAt: options.generatedAt,
    baseUrl: options.baseUrl,
    repository: options.repository?.url ?? null,
    stages: options.stages,
    models: options.entries.map((e) => ({
      name: e.name,
      url: url(SITE_PATHS.model(e.name)),
      task: e.task,
      primaryMetric: e.primaryMetric,
      chartedMetrics: e.charted,
      stagesError: e.stagesError,
      stages: Object.fromEntries(
        e.stages.map((s) => [
          s.stage,
          {
            version: s.version,
            since: s.since,
            commit: s.commit,
            pullRequest: s.pullRequest,
            primaryMetricValue: s.value,
          },
        ]),
      ),
      monitoring: e.monitoring ? { ...e.monitoring, url: url(SITE_PATHS.monitoring(e.name)) } : null,
      versions: e.versions.map((v) => ({ ...v, url: url(SITE_PATHS.version(e.name, v.version)) })),
    })),
    problems: options.problems,
  };
  return `${JSON.stringify(document, null, 1)}\n`;
}
