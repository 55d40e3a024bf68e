import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface LockEntry {
  name?: string;
  version?: string;
  link?: boolean;
  dev?: boolean;
  [key: string]: unknown;
}

/**
 * Writes package.json and package-lock.json for a user's repository that depends on every release
 * tarball in `releaseDir`, with the public dependencies locked to the versions (and integrity) of the
 * workspace's own lock. Resolving a semver range needs the registry's package document, which
 * `npm ci` never caches; a locked version installs from npm's cache by integrity alone, so
 * `npm install --offline` then works without a network.
 */
export function writeUserRepositoryLock(workspaceRoot: string, releaseDir: string, userDir: string): void {
  const lock = JSON.parse(readFileSync(join(workspaceRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const entries: Record<string, LockEntry> = {};
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.link || entry.dev) continue;
    // A dependency nested under a workspace package (packages/x/node_modules/y) sits under the
    // installed package instead (node_modules/@modelgate/x/node_modules/y).
    const nested = /^(packages\/[^/]+)(\/node_modules\/.+)$/.exec(path);
    if (/^packages\/[^/]+$/.test(path)) continue;
    const target = nested ? `node_modules/${lock.packages[nested[1] as string]?.name}${nested[2]}` : path;
    entries[target] = entry;
  }
  const dependencies: Record<string, string> = {};
  for (const file of readdirSync(releaseDir).filter((f) => f.endsWith('.tgz'))) {
    // The artifact's own manifest, not the workspace's: its bin, dependencies and peers are what npm sees.
    const packed = JSON.parse(
      execFileSync('tar', ['-xzOf', join(releaseDir, file), 'package/package.json'], { encoding: 'utf8' }),
    ) as LockEntry & { name: string };
    const spec = `file:${relative(userDir, join(releaseDir, file))}`;
    dependencies[packed.name] = spec;
    const fields = [
      'version',
      'license',
      'dependencies',
      'peerDependencies',
      'peerDependenciesMeta',
      'engines',
      'bin',
    ];
    entries[`node_modules/${packed.name}`] = {
      resolved: spec,
      ...Object.fromEntries(fields.filter((f) => packed[f] !== undefined).map((f) => [f, packed[f]])),
    };
  }
  const root = { name: 'user-repository', private: true, dependencies };
  writeFileSync(join(userDir, 'package.json'), `${JSON.stringify(root, null, 2)}\n`);
  const userLock = {
    name: root.name,
    lockfileVersion: 3,
    requires: true,
    packages: { '': root, ...entries },
  };
  writeFileSync(join(userDir, 'package-lock.json'), `${JSON.stringify(userLock, null, 2)}\n`);
}
