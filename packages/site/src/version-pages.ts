import { setImmediate } from 'node:timers/promises';
import { versionDir } from '@modelgate/registry';
import { type LoadedModel, loadModel } from './load/registry.js';
import type { RepositoryLinks } from './load/repository.js';
import { SITE_PATHS } from './paths.js';
import type { Problems } from './problems.js';
import type { SiteContext } from './render/layout.js';
import { featuredVersion, modelView } from './render/model-view.js';
import { renderVersionPage } from './render/version-page.js';
import { safely } from './safely.js';
import type { SiteWriter } from './write.js';

/** What drawing the version pages of some models needs: plain data, so a worker thread can be given it. */
export interface VersionPagesJob {
  registryDir: string;
  names: string[];
  /** Each model's versions, oldest first, as the registry directory lists them. */
  versions: ReadonlyMap<string, readonly string[]>;
  stages: string[];
  repository: RepositoryLinks | null;
  site: SiteContext;
}

/**
 * Loads each model and writes its version pages (which need no git history). What its model page needs
 * of the versions is kept; their reports and cards, the bulk of a large registry, are dropped.
 */
export async function drawVersionPages(
  job: VersionPagesJob,
  writer: SiteWriter,
  problems: Problems,
): Promise<LoadedModel[]> {
  const { registryDir, stages, repository, site } = job;
  const models: LoadedModel[] = [];
  for (const name of job.names) {
    const model = await loadModel(registryDir, name, job.versions.get(name) ?? [], problems);
    const view = modelView(model, null, stages, [], repository, site);
    for (const [i, v] of model.versions.entries()) {
      const path = SITE_PATHS.version(name, v.version);
      const source = versionDir(registryDir, name, v.version);
      writer.write(
        path,
        safely(
          path,
          `${name} ${v.version}`,
          source,
          () => renderVersionPage(view, i, problems),
          problems,
          site,
        ),
      );
    }
    const featured = featuredVersion(view);
    for (const v of model.versions) {
      if (v.evaluation) v.evaluation.document = null;
      if (v !== featured) v.card = null;
    }
    models.push(model);
    // A turn of the event loop between models: output of git (running meanwhile) is read.
    await setImmediate();
  }
  return models;
}
