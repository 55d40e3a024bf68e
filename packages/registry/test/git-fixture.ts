import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, vi } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { type ModelOptions, makeOnnxModel } from './onnx-fixture.js';

const run = promisify(execFile);

/** The test's own commits need an identity; the code under test must find none and use its default. */
const AS_TEST = ['-c', 'user.name=test', '-c', 'user.email=test@example.com'];

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/**
 * Temporary directories for real git repositories, with git isolated from the
 * machine's config: no global identity and no system-wide LFS filter, as on a
 * fresh CI runner.
 */
export function useGitSandbox(name: string) {
  const tmp = useTempDir(name);
  beforeAll(async () => {
    const globalConfig = tmp.path('gitconfig');
    await writeFile(globalConfig, '');
    vi.stubEnv('GIT_CONFIG_GLOBAL', globalConfig);
    vi.stubEnv('GIT_CONFIG_NOSYSTEM', '1');
    vi.stubEnv('GIT_TERMINAL_PROMPT', '0');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });
  let count = 0;
  const fresh = (label: string) => tmp.path(`${label}-${++count}`);
  return {
    tmp,
    /** A repository with one commit on main. */
    async repo(label = 'repo'): Promise<string> {
      const dir = fresh(label);
      await mkdir(dir, { recursive: true });
      await git(dir, 'init', '--quiet', '--initial-branch=main');
      await writeFile(join(dir, 'README.md'), '# project\n');
      await git(dir, 'add', 'README.md');
      await git(dir, ...AS_TEST, 'commit', '--quiet', '-m', 'initial');
      return dir;
    },
    /** A bare remote with one commit on main, and a function that clones it. */
    async remote(label = 'remote'): Promise<{ bare: string; clone: () => Promise<string> }> {
      const seed = await this.repo(`${label}-seed`);
      const bare = fresh(`${label}.git`);
      await git(seed, 'clone', '--quiet', '--bare', seed, bare);
      return {
        bare,
        clone: async () => {
          const dir = fresh(`${label}-clone`);
          await git(seed, 'clone', '--quiet', bare, dir);
          return dir;
        },
      };
    },
    /** A training output directory: model.onnx and whichever JSON files are given. */
    async artifacts(
      files: { model?: Uint8Array | ModelOptions; [name: string]: unknown } = {},
      label = 'train-out',
    ): Promise<string> {
      const dir = fresh(label);
      await mkdir(dir, { recursive: true });
      const { model, ...json } = files;
      await writeFile(
        join(dir, 'model.onnx'),
        model instanceof Uint8Array ? model : makeOnnxModel(model ?? {}),
      );
      for (const [file, content] of Object.entries(json)) {
        await writeFile(
          join(dir, file),
          typeof content === 'string' ? content : JSON.stringify(content, null, 2),
        );
      }
      return dir;
    },
  };
}

export async function status(dir: string): Promise<string> {
  return git(dir, 'status', '--porcelain', '--untracked-files=all');
}

export async function log(dir: string, ...paths: string[]): Promise<string[]> {
  return (await git(dir, 'log', '--format=%s', '--', ...paths)).split('\n').filter(Boolean);
}
