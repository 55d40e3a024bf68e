import { UserError } from '@modelgate/core';
import type { RegistryRepo } from './repo.js';

const LFS_ATTRIBUTES = 'filter=lfs diff=lfs merge=lfs -text';

/**
 * registry/.gitattributes: `* -text` keeps git from rewriting line endings,
 * so every file's sha256 holds on every checkout; large models go to LFS.
 */
export const ATTRIBUTES_HEADER = `# Managed by modelgate. No end-of-line conversion, so recorded sha256 digests hold on every platform.
* -text
# Models above lfs_threshold_mb (registry.yaml) are stored with Git LFS:
`;

export function lfsAttributeLine(path: string): string {
  return `${path} ${LFS_ATTRIBUTES}`;
}

/** The attributes file with `lfsPaths` added (each once), keeping whatever else is there. */
export function withLfsPaths(existing: string | undefined, lfsPaths: readonly string[]): string {
  const text = existing ?? ATTRIBUTES_HEADER;
  const lines = new Set(text.split('\n'));
  const added = lfsPaths.map(lfsAttributeLine).filter((line) => !lines.has(line));
  return added.length === 0 ? text : `${text}${text.endsWith('\n') ? '' : '\n'}${added.join('\n')}\n`;
}

export function lfsTrackedPaths(attributes: string): string[] {
  return attributes
    .split('\n')
    .filter((line) => line.endsWith(` ${LFS_ATTRIBUTES}`))
    .map((line) => line.slice(0, -LFS_ATTRIBUTES.length - 1));
}

/** The LFS filter must be configured before `git add`, or the model would go into git whole. */
export async function ensureLfs(repo: RegistryRepo, why: string): Promise<void> {
  const installed = await repo.git.raw(['lfs', 'version']).then(
    () => true,
    () => false,
  );
  if (!installed) {
    throw new UserError(
      `${why}, which needs Git LFS, and git-lfs is not installed. Install it (apt-get install git-lfs) or raise lfs_threshold_mb in registry.yaml.`,
    );
  }
  const filter = await repo.git.raw(['config', '--get', 'filter.lfs.clean']).then(
    (v) => v.trim(),
    () => '',
  );
  // Repository-local configuration only; the user's global config is left alone.
  if (!filter) await repo.git.raw(['lfs', 'install', '--local', '--skip-repo']);
}

/** Uploads the LFS objects of HEAD before the push that references them (hooks may be absent). */
export async function pushLfsObjects(repo: RegistryRepo, remote: string): Promise<void> {
  await repo.git.raw(['lfs', 'push', remote, 'HEAD']);
}

export interface LfsPointer {
  sha256: string;
  bytes: number;
}

const POINTER_START = 'version https://git-lfs.github.com/spec/v1\n';

/** The pointer git-lfs leaves in the working tree when the content was not fetched. */
export function parseLfsPointer(head: Uint8Array): LfsPointer | null {
  if (head.byteLength > 1024) return null;
  const text = Buffer.from(head).toString('utf8');
  if (!text.startsWith(POINTER_START)) return null;
  const oid = /^oid sha256:([0-9a-f]{64})$/m.exec(text)?.[1];
  const size = /^size (\d+)$/m.exec(text)?.[1];
  return oid && size ? { sha256: oid, bytes: Number(size) } : null;
}
