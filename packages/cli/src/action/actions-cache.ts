import * as cache from '@actions/cache';
import type { CacheService } from './train-cache.js';

/**
 * GitHub's cache service through @actions/cache. Composite `run:` steps get no
 * ACTIONS_RUNTIME_TOKEN, so outside a JavaScript action this usually says why it is off.
 */
export const actionsCache: CacheService = {
  unavailable: (env = process.env) => {
    if (!env.ACTIONS_RUNTIME_TOKEN) return 'the cache service is unavailable (no ACTIONS_RUNTIME_TOKEN)';
    if (!cache.isFeatureAvailable())
      return 'the cache service is unavailable (no ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL)';
    return undefined;
  },
  restore: (paths, key) => cache.restoreCache(paths, key),
  save: async (paths, key) => {
    await cache.saveCache(paths, key);
  },
};
