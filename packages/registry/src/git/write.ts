import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '@modelgate/core';
import { commitFiles, moveHead } from './commit.js';
import { checkRelative, type Installed, installFiles, type PlannedFile, undoInstall } from './install.js';
import { ensureLfs, pushLfsObjects } from './lfs.js';
import {
  backoffMs,
  catchUp,
  PushRejected,
  type PushRequest,
  type PushTarget,
  pushCommit,
  resolvePushTarget,
} from './push.js';
import { headCommit, pathspec, type RegistryRepo } from './repo.js';

/** An annotated tag; `target` is a commit, or undefined for the commit this write makes. */
export interface PlannedTag {
  name: string;
  message: string;
  target?: string;
}

/** What one write changes: files, the commit message, tags. */
export interface WritePlan<T> {
  message: string;
  files: PlannedFile[];
  tags: PlannedTag[];
  /** Why the write needs Git LFS (a file above the threshold); absent when it does not. */
  lfs?: string;
  result: T;
}

/** Nothing to write: the registry already holds what was asked (an idempotent re-run). */
export interface NoChange<T> {
  unchanged: T;
}

/** Reads the registry as it is now and says what to write; called again after a lost push race. */
export type Planner<T> = (attempt: number, head: string | null) => Promise<WritePlan<T> | NoChange<T>>;

export interface WriteOptions {
  push?: PushRequest | boolean;
  /** Attempts before giving up when other writers keep winning the push race (default 20). */
  maxAttempts?: number;
  /** Jitter for the backoff between attempts. */
  random?: () => number;
}

export interface WriteOutcome<T> {
  result: T;
  /** The commit made, or null when nothing changed. */
  commit: string | null;
  tags: string[];
  pushed: PushTarget | null;
  attempts: number;
}

async function checkClean(repo: RegistryRepo, specs: readonly string[]): Promise<void> {
  const status = await repo.git.raw(['status', '--porcelain', '--untracked-files=all', '--', ...specs]);
  const dirty = status.split('\n').filter(Boolean);
  if (dirty.length > 0) {
    throw new UserError(
      `the registry has uncommitted changes where this write goes (${dirty
        .slice(0, 3)
        .map((l) => l.slice(3))
        .join(', ')}${dirty.length > 3 ? ', …' : ''}). Commit or discard them first.`,
    );
  }
}

/** Undoes a write that did not complete: the branch, the index and the files go back to `base`. */
async function rollBack(
  repo: RegistryRepo,
  base: string | null,
  commit: string | null,
  installed: Installed | undefined,
  specs: readonly string[],
  tags: readonly string[],
): Promise<void> {
  if (tags.length > 0) await repo.git.raw(['tag', '-d', ...tags]).catch(() => undefined);
  if (installed) await undoInstall(repo.registryDir, installed);
  if (!commit) return;
  await moveHead(repo, base, commit, 'modelgate: undo');
  if (base) await repo.git.raw(['reset', '--quiet', base, '--', ...specs]);
  else await repo.git.raw(['rm', '-r', '--cached', '--quiet', '--ignore-unmatch', '--', ...specs]);
}

/** `ok: false`: the push lost a race; the commit and `tags` are still local. */
type Attempt = { ok: true; commit: string; tags: string[] } | { ok: false; tags: string[] };

/**
 * Installs, commits, tags and pushes one plan. Any failure puts the files,
 * index and branch back; a lost push race leaves the commit for the caller to drop.
 */
async function commitOnce<T>(
  repo: RegistryRepo,
  plan: WritePlan<T>,
  base: string | null,
  pushTarget: PushTarget | null,
  firstAttempt: boolean,
): Promise<Attempt> {
  const specs = [...new Set(plan.files.map((f) => pathspec(repo, topLevel(f.path))))];
  for (const f of plan.files) checkRelative(repo.registryDir, f.path);
  // After a lost race the branch was reset to the remote's: nothing of the user's can be in the way.
  if (firstAttempt) await checkClean(repo, specs);
  if (plan.lfs) await ensureLfs(repo, plan.lfs);
  let installed: Installed | undefined;
  let commit: string | null = null;
  const tags: string[] = [];
  try {
    installed = await installFiles(repo.registryDir, plan.files);
    const made = await commitFiles(
      repo,
      base,
      plan.message,
      plan.files.map((f) => pathspec(repo, f.path)),
    );
    await moveHead(repo, made, base, `modelgate: ${plan.message.split('\n')[0]}`);
    commit = made;
    // The index follows the commit for our files only (no refresh of the whole index, which
    // costs as much as git status); whatever the user staged stays staged.
    const indexed = repo.git.raw([
      'update-index',
      '--add',
      '--',
      ...plan.files.map((f) => pathspec(repo, f.path)),
    ]);
    try {
      for (const tag of plan.tags) {
        await repo.git.raw([...repo.identity, 'tag', '-a', tag.name, '-m', tag.message, tag.target ?? made]);
        tags.push(tag.name);
      }
    } finally {
      await indexed;
    }
    if (pushTarget) {
      if (plan.lfs) await pushLfsObjects(repo, pushTarget.remote);
      await pushCommit(repo, pushTarget, tags);
    }
    return { ok: true, commit: made, tags };
  } catch (err) {
    if (err instanceof PushRejected && base !== null) return { ok: false, tags };
    await rollBack(repo, base, commit, installed, specs, tags);
    if (err instanceof PushRejected) {
      throw new UserError(
        `git push was rejected and this branch has no commits to rebase: pull first (${err.message.trim().split('\n')[0]}).`,
      );
    }
    throw err;
  }
}

/** `m/versions/v3/model.onnx` -> `m/versions/v3`; files at the top stay as they are. */
function topLevel(path: string): string {
  const parts = path.split('/');
  return parts.length > 3 ? parts.slice(0, 3).join('/') : path;
}

/**
 * One registry change as one commit. The working tree and index are put back
 * if anything fails. With `push`, a push that loses a race with another writer
 * is undone, the branch catches up with the remote, and the change is planned
 * again from the new state (a version number is only final once pushed).
 */
export async function writeRegistry<T>(
  repo: RegistryRepo,
  planner: Planner<T>,
  options: WriteOptions = {},
): Promise<WriteOutcome<T>> {
  const pushTarget = options.push
    ? await resolvePushTarget(repo, options.push === true ? {} : options.push)
    : null;
  const maxAttempts = options.maxAttempts ?? 20;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    const base = await headCommit(repo);
    const plan = await planner(attempt, base);
    if ('unchanged' in plan)
      return { result: plan.unchanged, commit: null, tags: [], pushed: null, attempts: attempt };
    const done = await commitOnce(repo, plan, base, pushTarget, attempt === 1);
    if (done.ok)
      return {
        result: plan.result,
        commit: done.commit,
        tags: done.tags,
        pushed: pushTarget,
        attempts: attempt,
      };
    if (done.tags.length > 0) await repo.git.raw(['tag', '-d', ...done.tags]);
    if (attempt >= maxAttempts || !pushTarget || base === null) {
      await repo.git.raw(['reset', '--keep', base ?? 'HEAD']);
      throw new UserError(
        `git push to ${pushTarget?.remote} ${pushTarget?.branch} was rejected ${attempt} times: other writers kept winning. Nothing was changed; run again.`,
      );
    }
    await sleep(backoffMs(attempt, random));
    await catchUp(repo, pushTarget, base, plan.tags.length > 0);
  }
}
