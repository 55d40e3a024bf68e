import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, realpath } from 'node:fs/promises';
import { delimiter, join, sep } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeReleaseLock } from '../../../scripts/release-lock.mjs';
import { useTempDir } from '../../core/test/fixtures.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');
const tmp = useTempDir('release');
// As the README installs: no CUDA download. PATH without the node_modules/.bin folders npm and vitest
// put on it, so `npx modelgate` can only find the user repository's own install.
const PATH = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => !dir.includes(`node_modules${sep}.bin`))
  .join(delimiter);
const env = { ...process.env, PATH, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_loglevel: 'error' };
const gitEnv = {
  ...env,
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};
const git = async (cwd: string, ...args: string[]) =>
  (await run('git', args, { cwd, env: gitEnv })).stdout.trim();

// Slow by nature (minutes): a build, ten `npm pack`s (once, shared), two installs of ~500 MB from npm's cache.
describe('the release artifacts', () => {
  const releaseDir = () => tmp.path('release');
  beforeAll(async () => {
    await run('node', [join(root, 'scripts/release.mjs'), '--out', releaseDir()], { cwd: root, env });
  }, 600_000);

  it("are a tarball per package and a lockfile pinning the repository lock's production versions", async () => {
    const files = (await readdir(releaseDir())).sort();
    const workspaces = (await readdir(join(root, 'packages'))).map((p) => `modelgate-${p}-0.1.0.tgz`);
    expect(files).toEqual([...workspaces, 'package-lock.json', 'package.json'].sort());

    const workspaceLock = await readLock(join(root, 'package-lock.json'));
    const releaseLock = await readLock(join(releaseDir(), 'package-lock.json'));
    const manifest = JSON.parse(await readFile(join(releaseDir(), 'package.json'), 'utf8'));
    expect(releaseLock.packages['']).toEqual(manifest);
    expect(Object.keys(manifest.dependencies).sort()).toEqual(
      (await readdir(join(root, 'packages'))).map((p) => `@modelgate/${p}`).sort(),
    );
    let locked = 0;
    for (const [path, entry] of Object.entries(releaseLock.packages)) {
      if (path === '' || /^node_modules\/@modelgate\/[^/]+$/.test(path)) continue;
      // Where the workspace has it: under packages/x/ what the release has under @modelgate/x/.
      const from = path.replace(/^node_modules\/@modelgate\/([^/]+)\//, 'packages/$1/');
      const workspaceEntry = workspaceLock.packages[from];
      expect([path, workspaceEntry?.version, workspaceEntry?.integrity, workspaceEntry?.dev]).toEqual([
        path,
        entry.version,
        entry.integrity,
        undefined,
      ]);
      locked += 1;
    }
    // Every production dependency the packed manifests declare is locked.
    for (const name of Object.keys(manifest.dependencies)) {
      const packed = releaseLock.packages[`node_modules/${name}`];
      for (const dependency of Object.keys(packed?.dependencies ?? {})) {
        const at = [`node_modules/${name}/node_modules/${dependency}`, `node_modules/${dependency}`];
        expect(
          at.some((p) => releaseLock.packages[p]?.version),
          `${name} -> ${dependency}`,
        ).toBe(true);
      }
    }
    expect(locked).toBeGreaterThan(50);
  });

  it('install offline into a user repository outside the workspace, and run --version, init, validate and train there', async () => {
    const user = tmp.path('user-repository');
    await mkdir(join(user, 'data'), { recursive: true });
    await run('git', ['init', '-q', user]);
    writeReleaseLock(root, releaseDir(), user, 'user-repository');
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund'], { cwd: user, env });
    // Nothing resolves into the workspace: every @modelgate package is the installed copy.
    const cli = join(user, 'node_modules', '@modelgate', 'cli');
    const installed = JSON.parse(await readFile(join(cli, 'package.json'), 'utf8')) as { version: string };
    const modelgate = (...args: string[]) =>
      run('npx', ['--no-install', 'modelgate', ...args], { cwd: user, env, maxBuffer: 1 << 24 });

    expect(await realpath(join(user, 'node_modules/.bin/modelgate'))).toBe(
      await realpath(join(cli, 'bin/modelgate.js')),
    );
    expect((await modelgate('--version')).stdout.trim()).toBe(installed.version);

    // The pin recorded at release time is what init writes into the workflows.
    const pin = JSON.parse(await readFile(join(cli, 'dist', 'toolkit-pin.json'), 'utf8')) as {
      commit: string;
    };
    expect(pin.commit).toMatch(/^[0-9a-f]{40}$/);
    await copyFile(join(root, 'examples/penguins/data/penguins.csv'), join(user, 'data/penguins.csv'));
    const init = await modelgate(
      ...['init', '--model', 'penguins-species', '--task', 'multiclass', '--target', 'Species'],
      ...['--data', 'data/penguins.csv', '--owners', '@acme/ml'],
    );
    expect(init.stdout).toContain(`@${pin.commit}`);
    expect(await readFile(join(user, '.github/workflows/modelgate-pr.yml'), 'utf8')).toContain(
      `@${pin.commit}`,
    );

    const validate = await modelgate('validate');
    expect(validate.stdout).toContain('Species');
    const train = await modelgate('train', '--out', 'model');
    expect(train.stdout).toMatch(/^Trained penguins-species \(multiclass\)/);
    expect(await readdir(join(user, 'model'))).toContain('model.onnx');

    // onnxruntime-web is an optional peer: not installed, and the web export says how to add it.
    const exported = await modelgate('export', '--model', 'model', '--target', 'web', '--out', 'web').catch(
      (e) => e,
    );
    expect([exported.code, exported.stderr.trim()]).toEqual([
      2,
      'modelgate: error: onnxruntime-web is not installed: npm install onnxruntime-web',
    ]);
  }, 600_000);

  it('cut as a release commit that an action checkout at its SHA installs from, by the lock, offline', async () => {
    // The toolkit as a maintainer has it: a clone of a remote, on a commit without release/.
    const remote = tmp.path('toolkit.git');
    const toolkit = tmp.path('toolkit');
    await git(tmp.dir, 'init', '-q', '--bare', remote);
    await git(tmp.dir, 'clone', '-q', remote, toolkit);
    for (const file of ['scripts/action-setup.sh', 'scripts/cut-release.sh', 'packages/cli/package.json']) {
      await mkdir(join(toolkit, file, '..'), { recursive: true });
      await copyFile(join(root, file), join(toolkit, file));
    }
    await git(toolkit, 'add', '.');
    await git(toolkit, 'commit', '-q', '-m', 'toolkit');
    await git(toolkit, 'push', '-q', 'origin', 'HEAD');
    const source = await git(toolkit, 'rev-parse', 'HEAD');

    // Reuses the tarballs packed above; a maintainer's run packs them itself.
    const cut = await run('bash', ['scripts/cut-release.sh', '--artifacts', releaseDir()], {
      cwd: toolkit,
      env: gitEnv,
    });
    const out = Object.fromEntries(
      cut.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
    expect([out.source, out.tag, out.branch]).toEqual([source, 'v0.1.0', 'release/v0.1.0']);
    const sha = out.sha as string;
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    // The maintainer's checkout is as it was; the remote has the branch and the tag at the release commit.
    expect(await git(toolkit, 'rev-parse', 'HEAD')).toBe(source);
    expect(await git(toolkit, 'status', '--porcelain')).toBe('');
    expect(await git(tmp.dir, 'ls-remote', remote, 'refs/tags/v0.1.0', 'refs/heads/release/v0.1.0')).toBe(
      `${sha}\trefs/heads/release/v0.1.0\n${sha}\trefs/tags/v0.1.0`,
    );
    const again = await run('bash', ['scripts/cut-release.sh', '--no-push'], {
      cwd: toolkit,
      env: gitEnv,
    }).catch((e) => e);
    expect([again.code, again.stderr.trim()]).toEqual([
      2,
      'error: tag v0.1.0 exists already: raise the version in packages/*/package.json first',
    ]);
    // One commit on top of the source: release/ and nothing else.
    expect(await git(toolkit, 'rev-parse', `${sha}^`)).toBe(source);
    const added = (await git(toolkit, 'diff', '--name-only', source, sha)).split('\n');
    expect(added).toEqual((await readdir(releaseDir())).map((f) => `release/${f}`).sort());

    // A runner's action checkout of the pinned SHA (as actions/checkout fetches it) takes the release
    // path: npm ci from the release's lock, offline, so only the locked versions in npm's cache can install.
    const runner = tmp.path('runner');
    await git(tmp.dir, 'clone', '-q', '--no-checkout', remote, runner);
    await git(runner, 'checkout', '-q', '--detach', sha);
    const setup = await run('bash', ['scripts/action-setup.sh'], {
      cwd: runner,
      env: { ...env, npm_config_offline: 'true' },
      maxBuffer: 1 << 24,
    });
    const install = join(runner, '.modelgate-install');
    expect(setup.stdout).toContain('npm ci from release/package-lock.json');
    expect(setup.stdout).toContain(`entry=${install}/node_modules/@modelgate/cli/dist/action-entry.js`);
    const bin = `${install}/node_modules/@modelgate/cli/dist/bin.js`;
    expect(setup.stdout).toContain(`bin=${bin}`);

    // What npm installed is exactly the repository lock's production versions.
    const workspaceLock = await readLock(join(root, 'package-lock.json'));
    const production = new Set(
      Object.entries(workspaceLock.packages)
        .filter(([path, entry]) => path.includes('node_modules/') && !entry.dev)
        .map(([path, entry]) => `${path.slice(path.lastIndexOf('node_modules/') + 13)}@${entry.version}`),
    );
    const installed = await readLock(join(install, 'node_modules', '.package-lock.json'));
    const publicPackages = Object.entries(installed.packages).filter(
      ([path]) => !/^node_modules\/@modelgate\/[^/]+$/.test(path),
    );
    expect(publicPackages.length).toBeGreaterThan(50);
    for (const [path, entry] of publicPackages)
      expect(
        production.has(`${path.slice(path.lastIndexOf('node_modules/') + 13)}@${entry.version}`),
        path,
      ).toBe(true);

    // The installed CLI runs, and init pins the workflows to the release commit it printed.
    const user = tmp.path('release-user');
    await mkdir(user);
    await run(
      'node',
      [bin, 'init', '--dir', user, '--toolkit-repository', 'acme/modelgate', '--toolkit-ref', sha],
      {
        cwd: user,
        env,
      },
    );
    expect(await readFile(join(user, '.github/workflows/modelgate-pr.yml'), 'utf8')).toContain(
      `acme/modelgate/.github/workflows/modelgate-pipeline.yml@${sha}`,
    );
  }, 600_000);
});

interface LockEntry {
  version?: string;
  integrity?: string;
  dev?: boolean;
  dependencies?: Record<string, string>;
}

async function readLock(file: string): Promise<{ packages: Record<string, LockEntry> }> {
  return JSON.parse(await readFile(file, 'utf8'));
}
