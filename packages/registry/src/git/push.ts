import { errorMessage, UserError } from '@modelgate/core';
import type { RegistryRepo } from './repo.js';

/** Where `--push` sends the commit. */
export interface PushTarget {
  remote: string;
  branch: string;
}

export interface PushRequest {
  /** Defaults: the current branch's upstream, else `origin` and the current branch. */
  remote?: string;
  branch?: string;
}

export async function resolvePushTarget(repo: RegistryRepo, request: PushRequest): Promise<PushTarget> {
  const upstream = await repo.git
    .raw(['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}'])
    .then(
      (out) => out.trim(),
      () => '',
    );
  const slash = upstream.indexOf('/');
  const current = await repo.git.raw(['symbolic-ref', '--quiet', '--short', 'HEAD']).then(
    (out) => out.trim(),
    () => '',
  );
  const branch = request.branch ?? (slash > 0 ? upstream.slice(slash + 1) : current);
  if (!branch) {
    throw new UserError(
      '--push: HEAD is detached and no branch was given. Pass --branch <name> (e.g. main).',
    );
  }
  return { remote: request.remote ?? (slash > 0 ? upstream.slice(0, slash) : 'origin'), branch };
}

/** Another writer got there first: fetch, re-apply and try again. Anything else is a real failure. */
const RETRYABLE =
  /non-fast-forward|fetch first|stale info|already exists|cannot lock ref|failed to update ref|incorrect old value|\[rejected\]/i;
const FINAL = /protected branch|hook declined|permission|denied|authentication/i;

export class PushRejected extends Error {
  override readonly name = 'PushRejected';
}

/** Branch and tags land together or not at all (--atomic); never --force. */
export async function pushCommit(
  repo: RegistryRepo,
  target: PushTarget,
  tags: readonly string[],
): Promise<void> {
  try {
    await repo.git.raw([
      'push',
      '--atomic',
      target.remote,
      `HEAD:refs/heads/${target.branch}`,
      ...tags.map((t) => `refs/tags/${t}`),
    ]);
  } catch (err) {
    const message = errorMessage(err);
    if (RETRYABLE.test(message) && !FINAL.test(message)) throw new PushRejected(message);
    throw new UserError(
      `git push to ${target.remote} ${target.branch} failed: ${message.trim().split('\n').pop()}`,
    );
  }
}

/**
 * After a lost race: drops our unpushed commit (its parent is `base`) and
 * brings the branch up to the remote's: a fast-forward when we only lagged
 * behind, a rebase of the user's own unpushed commits when both moved.
 */
export async function catchUp(
  repo: RegistryRepo,
  target: PushTarget,
  base: string,
  withTags: boolean,
): Promise<void> {
  await repo.git.raw(['fetch', '--quiet', ...(withTags ? ['--tags'] : []), target.remote, target.branch]);
  const behind = await repo.git.raw(['merge-base', '--is-ancestor', base, 'FETCH_HEAD']).then(
    () => true,
    () => false,
  );
  if (behind) {
    await repo.git.raw(['reset', '--quiet', '--keep', 'FETCH_HEAD']);
    return;
  }
  await repo.git.raw(['reset', '--quiet', '--keep', base]);
  try {
    await repo.git.raw([...repo.identity, 'rebase', '--quiet', 'FETCH_HEAD']);
  } catch (err) {
    await repo.git.raw(['rebase', '--abort']).catch(() => undefined);
    throw new UserError(
      `cannot bring ${target.branch} up to ${target.remote}/${target.branch}: your local commits conflict with it (${errorMessage(err).trim().split('\n')[0]}). Pull and resolve first.`,
    );
  }
}

export function backoffMs(attempt: number, random: () => number): number {
  return Math.min(2000, 50 * 2 ** attempt) * (0.5 + random());
}
