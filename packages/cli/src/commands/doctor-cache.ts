import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Check } from './doctor-checks.js';

/** The toolkit checkout this CLI runs from (packages/cli/{src,dist}/commands -> the root). */
const TOOLKIT_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** What scripts/action-setup.sh stamps once it has installed and built the toolkit on a runner. */
const STAMPS = {
  install: join('node_modules', '.modelgate-deps'),
  build: join('packages', 'cli', 'dist', '.modelgate-build'),
} as const;

async function stamp(root: string, file: string): Promise<string | undefined> {
  const text = await readFile(join(root, file), 'utf8').catch(() => undefined);
  return text?.trim() || undefined;
}

/**
 * Whether the next action on this runner starts warm: the install and build stamps the
 * actions' setup script leaves (a self-hosted runner keeps them between jobs).
 */
export async function toolkitCacheCheck(root = TOOLKIT_ROOT): Promise<Check> {
  const [install, build] = await Promise.all([stamp(root, STAMPS.install), stamp(root, STAMPS.build)]);
  const detail = [
    `install ${install ?? 'not stamped'}`,
    `build ${build ?? 'not stamped'}`,
    install && build ? 'actions start warm here' : 'the next action installs and builds (cold start)',
  ].join('; ');
  return { name: 'toolkit cache', status: 'info', detail: `${detail} (${root})` };
}
