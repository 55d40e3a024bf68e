import { posix } from 'node:path';
import { quote, UserError } from '@modelgate/core';

/**
 * Every page's path in the site, '/'-separated: these are the permalinks. Model names are
 * letters, digits, '.', '-' and '_' (the registry refuses others), versions `vN`.
 */
export const SITE_PATHS = {
  catalogue: 'index.html',
  index: 'index.json',
  style: 'assets/site.css',
  script: 'assets/catalogue.js',
  searchData: 'assets/catalogue-data.js',
  model: (name: string) => `models/${encodeURIComponent(name)}/index.html`,
  version: (name: string, version: string) =>
    `models/${encodeURIComponent(name)}/${encodeURIComponent(version)}.html`,
  monitoring: (name: string) => `models/${encodeURIComponent(name)}/monitoring.html`,
};

/** A link from the page at `from` to `to`, relative, so the site works from file:// and under any base URL. */
export function linkTo(from: string, to: string): string {
  const relative = posix.relative(posix.dirname(from), to);
  return relative === '' ? posix.basename(to) : relative;
}

const SEGMENTS = '(?:[A-Za-z0-9._~-]+\\/)*[A-Za-z0-9._~-]*';
const BASE_PATH = new RegExp(`^\\/${SEGMENTS}$`);
const BASE_URL = new RegExp(`^https?:\\/\\/[A-Za-z0-9.-]+(?::\\d+)?(?:\\/${SEGMENTS})?$`);

/**
 * The base URL pages are published under (--base-url): '/repo/' for a GitHub Pages project site, '/' at a
 * domain's root, or a full https URL; it ends with '/'. Without one, index.json's URLs are relative to it.
 */
export function normaliseBaseUrl(value: string | undefined, flag = '--base-url'): string {
  if (value === undefined || value === '') return '';
  if (!BASE_PATH.test(value) && !BASE_URL.test(value)) {
    throw new UserError(
      `${flag} ${quote(value)}: expected a path such as /my-repo/ or a URL such as https://example.com/models/.`,
    );
  }
  return value.endsWith('/') ? value : `${value}/`;
}
