import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '@modelgate/core';
import { type HistoryEvent, versionNames } from '@modelgate/registry';
import { readAssets } from './assets.js';
import { type CatalogueEntry, catalogueEntry } from './catalogue-entry.js';
import { renderIndexJson } from './index-json.js';
import { loadMonitoring } from './load/monitor.js';
import { type LoadedModel, loadHistory, loadOverview } from './load/registry.js';
import { detectRepository, type RepositoryLinks } from './load/repository.js';
import { defaultThreads, drawAllVersionPages } from './parallel.js';
import { normaliseBaseUrl, SITE_PATHS } from './paths.js';
import { type Problem, Problems } from './problems.js';
import { renderCatalogue, renderSearchData } from './render/catalogue.js';
import type { SiteContext } from './render/layout.js';
import { renderModelPage } from './render/model-page.js';
import { modelView } from './render/model-view.js';
import { renderMonitoringPage } from './render/monitoring-page.js';
import { safely } from './safely.js';
import { type SiteWriter, withSiteDirectory } from './write.js';

export interface SiteOptions {
  registryDir: string;
  out: string;
  /** monitor.json files, or directories searched for them. */
  monitor?: readonly string[];
  /** Where the site is published (--base-url): index.json's URLs start with it. */
  baseUrl?: string;
  /** The repository commits and pull requests link to; undefined: detected (Actions, else origin). */
  repository?: RepositoryLinks | null;
  now?: Date;
  /** Threads drawing version pages; default two for a registry of 1,000 versions or more. */
  threads?: number;
}

export interface SiteResult {
  /** The site directory, absolute. */
  out: string;
  /** Its index.html, absolute. */
  index: string;
  models: number;
  versions: number;
  pages: number;
  problems: Problem[];
}

/** Each model's versions, listed once: the thread count and the version pages both read them. */
async function versionLists(
  registryDir: string,
  names: readonly string[],
): Promise<Map<string, readonly string[]>> {
  const lists = await Promise.all(names.map((name) => versionNames(registryDir, name)));
  return new Map(names.map((name, i) => [name, lists[i] ?? []]));
}

async function checkRegistry(registryDir: string): Promise<void> {
  const info = await stat(registryDir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new UserError(
      `--registry ${registryDir}: ${info ? 'is not a directory' : 'no such directory'}. Expected the registry directory (e.g. registry).`,
    );
  }
}

/**
 * The registry as a static website: a catalogue, a page per model, per version and per monitored model,
 * index.json. Unreadable files do not stop it: each is a problem, and its page says what is missing.
 */
export async function buildSite(options: SiteOptions): Promise<SiteResult> {
  const { registryDir } = options;
  await checkRegistry(registryDir);
  const baseUrl = normaliseBaseUrl(options.baseUrl);
  const problems = new Problems();
  const overview = await loadOverview(registryDir, problems);
  // git log runs while the version pages, which do not need it, are drawn.
  const history = loadHistory(registryDir, problems);
  const monitoring = await loadMonitoring(options.monitor ?? [], overview.names, problems);
  const repository =
    options.repository === undefined ? await detectRepository(registryDir) : options.repository;
  const site: SiteContext = { generatedAt: (options.now ?? new Date()).toISOString(), baseUrl };
  const stages = overview.settings.stages;
  let pages = 0;
  const render = (path: string, title: string, source: string, draw: () => string) =>
    safely(path, title, source, draw, problems, site);

  const modelPages = (
    model: LoadedModel,
    histories: Map<string, HistoryEvent[]> | null,
    writer: SiteWriter,
  ): CatalogueEntry => {
    const { name } = model;
    const view = modelView(
      model,
      histories?.get(name) ?? (histories ? [] : null),
      stages,
      monitoring.get(name) ?? [],
      repository,
      site,
    );
    const path = SITE_PATHS.model(name);
    writer.write(
      path,
      render(path, name, join(registryDir, name), () => renderModelPage(view)),
    );
    pages += 1;
    if (view.monitoring.length > 0) {
      const monitoringPath = SITE_PATHS.monitoring(name);
      const source = view.monitoring.at(-1)?.file ?? name;
      writer.write(
        monitoringPath,
        render(monitoringPath, `${name} monitoring`, source, () => renderMonitoringPage(view)),
      );
      pages += 1;
    }
    return catalogueEntry(view);
  };

  const out = resolve(options.out);
  const entries = await withSiteDirectory(options.out, async (writer, dir) => {
    const versions = await versionLists(registryDir, overview.names);
    const job = { registryDir, names: overview.names, versions, stages, repository, site };
    const total = [...versions.values()].reduce((n, list) => n + list.length, 0);
    const models = await drawAllVersionPages(
      job,
      options.threads ?? defaultThreads(total),
      writer,
      dir,
      problems,
    );
    pages += models.reduce((n, m) => n + m.versions.length, 0);
    const histories = await history;
    const built = models.map((model) => modelPages(model, histories, writer));
    const sorted = [...problems.list].sort(
      (a, b) => a.path.localeCompare(b.path) || a.message.localeCompare(b.message),
    );
    writer.write(SITE_PATHS.catalogue, renderCatalogue(built, stages, sorted, site));
    writer.write(SITE_PATHS.searchData, renderSearchData(built, stages));
    writer.write(
      SITE_PATHS.index,
      renderIndexJson({
        entries: built,
        stages,
        problems: sorted,
        baseUrl,
        generatedAt: site.generatedAt,
        repository,
      }),
    );
    for (const [path, content] of Object.entries(await readAssets())) writer.write(path, content);
    pages += 1;
    problems.list.splice(0, problems.list.length, ...sorted);
    return built;
  });
  return {
    out,
    index: join(out, SITE_PATHS.catalogue),
    models: entries.length,
    versions: entries.reduce((n, e) => n + e.versions.length, 0),
    pages,
    problems: problems.list,
  };
}
