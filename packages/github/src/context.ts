import { readFileSync } from 'node:fs';
import { UserError } from '@modelgate/core';

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullRequestContext {
  number: number;
  /** The head commit: what the check run belongs to (GITHUB_SHA is the merge commit). */
  headSha: string;
  headRef: string;
  baseRef: string;
  title: string;
}

export interface GitHubContext extends RepoRef {
  eventName: string | null;
  /** GITHUB_SHA: for pull_request events the merge commit, not the head. */
  sha: string | null;
  pullRequest: PullRequestContext | null;
  /** The workflow run's page, when known. */
  runUrl: string | null;
}

/** Just owner and repo: octokit sends any other field of a context object as a query parameter. */
export function repoRef(from: RepoRef): RepoRef {
  return { owner: from.owner, repo: from.repo };
}

export function parseRepo(value: string, flag = '--repo'): RepoRef {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(value);
  if (!match?.[1] || !match[2])
    throw new UserError(`${flag} ${value}: expected owner/name (e.g. octo-org/models).`);
  return { owner: match[1], repo: match[2] };
}

function readPayload(path: string | undefined): Record<string, unknown> | null {
  if (!path) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new UserError(
      `GITHUB_EVENT_PATH ${path}: cannot read the event payload (${(err as Error).message}).`,
    );
  }
}

function pullRequestOf(payload: Record<string, unknown> | null): PullRequestContext | null {
  const pr = payload?.pull_request as Record<string, unknown> | undefined;
  const head = pr?.head as Record<string, unknown> | undefined;
  const base = pr?.base as Record<string, unknown> | undefined;
  if (typeof pr?.number !== 'number' || typeof head?.sha !== 'string') return null;
  return {
    number: pr.number,
    headSha: head.sha,
    headRef: typeof head.ref === 'string' ? head.ref : '',
    baseRef: typeof base?.ref === 'string' ? base.ref : '',
    title: typeof pr.title === 'string' ? pr.title : '',
  };
}

/** The pull request the workflow run is for (pull_request events); null for other events or outside Actions. */
export function readPullRequest(env: NodeJS.ProcessEnv = process.env): PullRequestContext | null {
  return pullRequestOf(readPayload(env.GITHUB_EVENT_PATH));
}

/** The repository, event and pull request of the workflow run, from the runner's environment. */
export function readGitHubContext(env: NodeJS.ProcessEnv = process.env, repo?: string): GitHubContext {
  const name = repo ?? env.GITHUB_REPOSITORY;
  if (!name)
    throw new UserError('--repo: required outside GitHub Actions (owner/name; default GITHUB_REPOSITORY).');
  const payload = readPayload(env.GITHUB_EVENT_PATH);
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    ...parseRepo(name, repo ? '--repo' : 'GITHUB_REPOSITORY'),
    eventName: env.GITHUB_EVENT_NAME ?? null,
    sha: env.GITHUB_SHA ?? null,
    pullRequest: pullRequestOf(payload),
    runUrl: env.GITHUB_RUN_ID ? `${server}/${name}/actions/runs/${env.GITHUB_RUN_ID}` : null,
  };
}
