import { lstat, realpath } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { UserError } from '@modelgate/core';
import { type SimpleGit, simpleGit } from 'simple-git';

/** Who commits when the repository has no identity configured (a fresh CI runner). */
export const DEFAULT_IDENTITY = { name: 'modelgate', email: 'modelgate@users.noreply.github.com' } as const;

export interface RegistryRepo {
  git: SimpleGit;
  /** The working tree's top level. */
  root: string;
  /** The registry directory, absolute. */
  registryDir: string;
  /** The registry directory relative to the top level, '/'-separated ('' when it is the top level). */
  prefix: string;
  /** `-c user.name=… -c user.email=…` for what the repository's config lacks; empty when it has both. */
  identity: string[];
}

async function existingAncestor(path: string): Promise<string> {
  let dir = path;
  for (;;) {
    const info = await lstat(dir).catch(() => undefined);
    if (info?.isDirectory()) return dir;
    if (info) throw new UserError(`${path}: ${dir} is not a directory.`);
    const parent = dirname(dir);
    if (parent === dir) return dir;
    dir = parent;
  }
}

/**
 * simple-git drops GIT_* variables from the environment unless allowed; the
 * user's own (GIT_SSL_CAINFO, GIT_AUTHOR_NAME, GIT_CONFIG_GLOBAL, …) are
 * theirs to set, so they pass through as they would to git itself.
 */
export function createGit(dir: string, stdin?: string): SimpleGit {
  return simpleGit({
    baseDir: dir,
    allowEnvironment: Object.keys(process.env),
    ...(stdin === undefined ? {} : { input: () => stdin }),
  });
}

/** `-c user.name=…` / `-c user.email=…` for what neither git's config nor its environment variables give. */
async function missingIdentity(git: SimpleGit): Promise<string[]> {
  const out = await git.raw(['config', '--get-regexp', '^user\\.(name|email)$']).catch(() => '');
  const set = new Set(out.split('\n').map((line) => line.split(' ')[0]));
  const args: string[] = [];
  for (const key of ['name', 'email'] as const) {
    const upper = key.toUpperCase();
    const fromEnv = process.env[`GIT_AUTHOR_${upper}`] && process.env[`GIT_COMMITTER_${upper}`];
    if (!fromEnv && !set.has(`user.${key}`)) args.push('-c', `user.${key}=${DEFAULT_IDENTITY[key]}`);
  }
  return args;
}

/** `registryDir` inside a git working tree; the directory itself may not exist yet. */
export async function openRepo(registryDir: string): Promise<RegistryRepo> {
  const absolute = resolve(registryDir);
  const info = await lstat(absolute).catch(() => undefined);
  if (info?.isSymbolicLink()) {
    throw new UserError(
      `--registry ${registryDir}: is a symbolic link. Expected a directory in the repository.`,
    );
  }
  if (info && !info.isDirectory()) throw new UserError(`--registry ${registryDir}: is not a directory.`);
  const ancestor = await existingAncestor(absolute);
  const git = createGit(ancestor);
  const identity = missingIdentity(git);
  const root = await git.raw(['rev-parse', '--show-toplevel']).then(
    (out) => out.trim(),
    () => {
      throw new UserError(
        `--registry ${registryDir}: not inside a git repository. The registry is a directory in your repository: run git init first.`,
      );
    },
  );
  // Compare real paths: /tmp may be a symlink, and git reports resolved paths.
  const realRegistry = resolve(await realpath(ancestor), relative(ancestor, absolute));
  const prefix = relative(root, realRegistry);
  if (prefix.startsWith('..') || prefix.split(sep).includes('.git')) {
    throw new UserError(`--registry ${registryDir}: is outside the working tree of ${root}.`);
  }
  return {
    git: createGit(root),
    root,
    registryDir: realRegistry,
    prefix: prefix.split(sep).join('/'),
    identity: await identity,
  };
}

/** A path relative to the registry as a pathspec from the top level. */
export function pathspec(repo: RegistryRepo, path: string): string {
  return repo.prefix ? `${repo.prefix}/${path}` : path;
}

export async function headCommit(repo: RegistryRepo): Promise<string | null> {
  return repo.git.raw(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).then(
    (out) => out.trim() || null,
    () => null,
  );
}
