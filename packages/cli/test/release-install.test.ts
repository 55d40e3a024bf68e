import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, realpath } from 'node:fs/promises';
import { delimiter, join, sep } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { writeUserRepositoryLock } from './release-lock.js';

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

// Slow by nature (about a minute): a build, ten `npm pack`s, an install of ~500 MB from npm's cache.
describe('the release artifacts, installed into a user repository', () => {
  it('pack, install offline outside the workspace, and run --version, init, validate and train there', async () => {
    const releaseDir = tmp.path('release');
    await run('node', [join(root, 'scripts/release.mjs'), '--out', releaseDir], { cwd: root, env });
    const tarballs = (await readdir(releaseDir)).sort();
    const workspaces = (await readdir(join(root, 'packages'))).map((p) => `modelgate-${p}-0.1.0.tgz`);
    expect(tarballs).toEqual(workspaces.sort());

    const user = tmp.path('user-repository');
    await mkdir(join(user, 'data'), { recursive: true });
    await run('git', ['init', '-q', user]);
    writeUserRepositoryLock(root, releaseDir, user);
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
});
