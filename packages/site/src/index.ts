export { buildSite, type SiteOptions, type SiteResult } from './build.js';
export type { CatalogueEntry, CatalogueVersion } from './catalogue-entry.js';
export { SITE_FORMAT } from './index-json.js';
export { type EvaluationSummary, summariseEvaluation } from './load/evaluation.js';
export { MONITOR_FILE, type MonitorStatus, monitorStatus } from './load/monitor.js';
export {
  detectRepository,
  parseRepository,
  type RepositoryLinks,
  repositoryOfRemote,
} from './load/repository.js';
export { linkTo, normaliseBaseUrl, SITE_PATHS } from './paths.js';
export type { Problem } from './problems.js';
export { inlineMarkdown, renderMarkdown } from './render/card.js';
