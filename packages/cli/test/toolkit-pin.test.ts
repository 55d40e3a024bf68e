import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import {
  checkoutCommit,
  PIN_FILE,
  readToolkitPin,
  recordToolkitPin,
  repositoryOf,
  writeToolkitPin,
} from '../src/toolkit-pin.js';

const tmp = useTempDir('toolkit-pin');
const SHA = '0123456789abcdef0123456789abcdef01234567';

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], {
    cwd: dir,
    encoding: 'utf8',
  }).trim();

/** A toolkit checkout with one commit: packages/cli/package.json naming its repository. */
async function toolkitCheckout(name: string): Promise<{ root: string; packageJson: string }> {
  const root = tmp.path(name);
  await mkdir(join(root, 'packages', 'cli'), { recursive: true });
  const packageJson = join(root, 'packages', 'cli', 'package.json');
  await writeFile(
    packageJson,
    JSON.stringify({ repository: { url: 'git+https://github.com/acme/gate.git' } }),
  );
  git(root, 'init', '--quiet', '--initial-branch=main');
  git(root, 'add', '.');
  git(root, 'commit', '--quiet', '-m', 'toolkit');
  return { root, packageJson };
}

describe('the toolkit pin the build records', () => {
  it('is the checkout HEAD and the repository package.json names', async () => {
    const { root, packageJson } = await toolkitCheckout('checkout');
    expect(recordToolkitPin(root, packageJson)).toEqual({
      repository: 'acme/gate',
      commit: git(root, 'rev-parse', 'HEAD'),
    });
    git(root, 'commit', '--quiet', '--allow-empty', '-m', 'next');
    expect(checkoutCommit(root)).toBe(git(root, 'rev-parse', 'HEAD'));
  });

  it('records no commit outside git, nor for a package inside someone else’s repository', async () => {
    const bare = tmp.path('tarball');
    await mkdir(bare);
    expect(checkoutCommit(bare)).toBeNull();
    // Installed as node_modules/@modelgate/cli in a user's repository: the user's HEAD is not the toolkit's.
    const { root } = await toolkitCheckout('user-repo');
    const installed = join(root, 'node_modules', '@modelgate');
    await mkdir(installed, { recursive: true });
    expect(checkoutCommit(installed)).toBeNull();
    const empty = tmp.path('no-commits');
    await mkdir(empty);
    git(empty, 'init', '--quiet');
    expect(checkoutCommit(empty)).toBeNull();
  });

  it('reads owner/name from the forms npm writes, and nothing else', () => {
    for (const field of [
      'github:acme/gate',
      'acme/gate',
      'https://github.com/acme/gate',
      'git+https://github.com/acme/gate.git',
      'git@github.com:acme/gate.git',
      { type: 'git', url: 'git+ssh://git@github.com/acme/gate.git' },
    ])
      expect(repositoryOf(field), JSON.stringify(field)).toBe('acme/gate');
    for (const field of [undefined, 'https://gitlab.com/acme/gate', 'acme/gate\nx', { url: 3 }, 'a/b/c'])
      expect(repositoryOf(field), JSON.stringify(field)).toBeNull();
  });

  it('is written beside the built modules and read back; a tampered file is refused', async () => {
    const dist = tmp.path('dist');
    await mkdir(dist);
    const file = await writeToolkitPin(dist, { repository: 'acme/gate', commit: SHA });
    expect(file).toBe(join(dist, PIN_FILE));
    expect(readToolkitPin(dist)).toEqual({ repository: 'acme/gate', commit: SHA });
    await writeToolkitPin(dist, { repository: 'acme/gate', commit: null });
    expect(readToolkitPin(dist)).toEqual({ repository: 'acme/gate', commit: null });
    await writeFile(file, JSON.stringify({ repository: 'acme/gate', commit: 'v1.0.0' }));
    expect(() => readToolkitPin(dist)).toThrow(/toolkit-pin\.json: expected/);
  });

  it('run from source with no build, is what a build of this checkout would record', () => {
    expect(readToolkitPin(tmp.path('no-dist-here'))).toEqual({
      repository: 'modelgate/modelgate',
      commit: execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim(),
    });
  });
});
