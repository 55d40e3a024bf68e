import { readFile } from 'node:fs/promises';
import { SITE_PATHS } from './paths.js';

/** The stylesheet and the search script, shipped as files beside src/ and dist/ (package.json "files"). */
const ASSETS_DIR = new URL('../assets/', import.meta.url);

export async function readAssets(): Promise<Record<string, string>> {
  const [style, script] = await Promise.all([
    readFile(new URL('site.css', ASSETS_DIR), 'utf8'),
    readFile(new URL('catalogue.js', ASSETS_DIR), 'utf8'),
  ]);
  return { [SITE_PATHS.style]: style, [SITE_PATHS.script]: script };
}
