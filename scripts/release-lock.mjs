// The lockfile a release carries: package.json and package-lock.json for a package that depends on every
// release tarball, with the public dependencies locked to the versions (and integrity) of the workspace's
// own package-lock.json. Resolving a semver range needs the registry's package document, which `npm ci`
// never caches; a locked version installs from npm's cache by integrity alone, so `npm ci --offline`
// works without a network, and every install gets the versions the toolkit was tested with.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The fields of a packed manifest npm reads from a lock entry. */
const MANIFEST_FIELDS = [
  'version',
  'license',
  'dependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'engines',
  'bin',
];

/** The workspace lock's production entries, at the paths they take under a consumer's node_modules. */
function productionEntries(lock) {
  const entries = {};
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.link || entry.dev || /^packages\/[^/]+$/.test(path)) continue;
    // A dependency nested under a workspace package (packages/x/node_modules/y) sits under the
    // installed package instead (node_modules/@modelgate/x/node_modules/y).
    const nested = /^(packages\/[^/]+)(\/node_modules\/.+)$/.exec(path);
    entries[nested ? `node_modules/${lock.packages[nested[1]]?.name}${nested[2]}` : path] = entry;
  }
  return entries;
}

/**
 * Writes `<consumerDir>/package.json` and `<consumerDir>/package-lock.json` (named `name`) depending on
 * every `.tgz` in `releaseDir` by a path relative to `consumerDir`. Plain writes: the release writes
 * into a staging folder it renames into place.
 */
export function writeReleaseLock(workspaceRoot, releaseDir, consumerDir, name) {
  const lock = JSON.parse(readFileSync(join(workspaceRoot, 'package-lock.json'), 'utf8'));
  const entries = productionEntries(lock);
  const dependencies = {};
  for (const file of readdirSync(releaseDir)
    .filter((f) => f.endsWith('.tgz'))
    .sort()) {
    // The artifact's own manifest, not the workspace's: its bin, dependencies and peers are what npm sees.
    const packed = JSON.parse(
      execFileSync('tar', ['-xzOf', join(releaseDir, file), 'package/package.json'], { encoding: 'utf8' }),
    );
    const spec = `file:${relative(consumerDir, join(releaseDir, file))}`;
    dependencies[packed.name] = spec;
    entries[`node_modules/${packed.name}`] = {
      resolved: spec,
      ...Object.fromEntries(
        MANIFEST_FIELDS.filter((f) => packed[f] !== undefined).map((f) => [f, packed[f]]),
      ),
    };
  }
  const root = { name, private: true, dependencies };
  const consumerLock = { name, lockfileVersion: 3, requires: true, packages: { '': root, ...entries } };
  writeFileSync(join(consumerDir, 'package.json'), `${JSON.stringify(root, null, 2)}\n`);
  writeFileSync(join(consumerDir, 'package-lock.json'), `${JSON.stringify(consumerLock, null, 2)}\n`);
}
