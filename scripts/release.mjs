#!/usr/bin/env node
// Writes the installable release artifacts: one `npm pack` tarball per workspace package, built from this
// checkout (so packages/cli's dist/toolkit-pin.json records its commit for `modelgate init`), and a
// package.json with the package-lock.json that installs them all with the public dependencies at the
// versions of this repository's package-lock.json: `cd <dir> && npm ci --omit=dev` (what the actions do).
// Usage: npm run release -- --out <dir>
// A user's repository installs them all at once: npm install <dir>/*.tgz
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeReleaseLock } from './release-lock.mjs';

const root = resolve(import.meta.dirname, '..');
let out;
try {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  out = values.out;
} catch (err) {
  console.error(`error: ${err.message} (usage: npm run release -- --out <dir>)`);
  process.exit(2);
}
if (!out) {
  console.error('error: --out <dir> is required: the folder the .tgz artifacts are written to');
  process.exit(2);
}
const dir = resolve(out);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (args) =>
  execFileSync(npm, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

try {
  run(['run', 'build', '--silent']);
} catch (err) {
  process.stderr.write(err.stdout ?? '');
  console.error('error: npm run build failed, so no release was written (the compiler errors are above)');
  process.exit(1);
}
// Packed into a fresh folder first, so <dir> never holds half of a release or an older one's tarballs.
const staging = `${dir}.partial-${process.pid}`;
mkdirSync(staging, { recursive: true });
try {
  // --ignore-scripts: the build above already ran; the packages' prepack would only repeat it.
  const packed = JSON.parse(
    run([
      'pack',
      '--workspaces',
      '--ignore-scripts',
      '--json',
      '--pack-destination',
      staging,
      '--loglevel=error',
    ]),
  );
  writeReleaseLock(root, staging, staging, 'modelgate-release');
  const lockFiles = ['package.json', 'package-lock.json'];
  mkdirSync(dir, { recursive: true });
  for (const old of readdirSync(dir).filter((f) => f.endsWith('.tgz'))) rmSync(join(dir, old));
  for (const file of [...packed.map((p) => p.filename), ...lockFiles])
    renameSync(join(staging, file), join(dir, file));
  for (const { filename, size } of packed)
    console.log(`${join(dir, filename)}  ${(size / 1024).toFixed(0)} kB`);
  console.log(`${join(dir, 'package-lock.json')}  the public dependencies, locked`);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
