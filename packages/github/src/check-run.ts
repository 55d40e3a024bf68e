import { ellipsize } from '@modelgate/core';
import type { GitHubClient } from './client.js';
import type { RepoRef } from './context.js';
import { statusOf } from './http-errors.js';
import type { UpsertAction } from './pull-request-comment.js';

export type CheckConclusion = 'success' | 'failure' | 'neutral';

export interface CheckRunInput {
  name: string;
  /** The commit the check is on: a pull request's head. */
  sha: string;
  conclusion: CheckConclusion;
  /** One line: the check's title, and the commit status's description in the fallback. */
  title: string;
  summary: string;
  detailsUrl?: string | null;
}

export interface CheckRunResult {
  kind: 'check-run' | 'status';
  action: UpsertAction;
  id: number;
  url: string;
  name: string;
  conclusion: CheckConclusion;
}

async function commitStatus(
  client: GitHubClient,
  repo: RepoRef,
  input: CheckRunInput,
): Promise<CheckRunResult> {
  const { data } = await client.rest.repos.createCommitStatus({
    ...repo,
    sha: input.sha,
    state: input.conclusion === 'failure' ? 'failure' : 'success',
    context: input.name,
    description: ellipsize(input.title.replace(/\s+/g, ' '), 140),
    ...(input.detailsUrl ? { target_url: input.detailsUrl } : {}),
  });
  return {
    kind: 'status',
    action: 'created',
    id: data.id,
    url: data.url,
    name: input.name,
    conclusion: input.conclusion,
  };
}

/**
 * A completed check run on the commit, updated in place when one of the same
 * name is there (unchanged ones are not sent again); a commit status when the
 * token may not write checks (403, e.g. a GITHUB_TOKEN without `checks: write`).
 */
export async function upsertCheckRun(
  client: GitHubClient,
  repo: RepoRef,
  input: CheckRunInput,
): Promise<CheckRunResult> {
  const { name, conclusion } = input;
  const output = { title: ellipsize(input.title.replace(/\s+/g, ' '), 200), summary: input.summary };
  try {
    const { data: listed } = await client.rest.checks.listForRef({
      ...repo,
      ref: input.sha,
      check_name: name,
      filter: 'latest',
    });
    const existing = listed.check_runs[0];
    const result = (action: UpsertAction, run: { id: number; html_url: string | null; url: string }) =>
      ({ kind: 'check-run', action, id: run.id, url: run.html_url ?? run.url, name, conclusion }) as const;
    if (existing?.conclusion === conclusion && existing.output.summary === output.summary) {
      return result('unchanged', existing);
    }
    const fields = {
      ...repo,
      status: 'completed' as const,
      conclusion,
      output,
      ...(input.detailsUrl ? { details_url: input.detailsUrl } : {}),
    };
    if (existing) {
      const { data } = await client.rest.checks.update({ ...fields, check_run_id: existing.id });
      return result('updated', data);
    }
    const { data } = await client.rest.checks.create({ ...fields, name, head_sha: input.sha });
    return result('created', data);
  } catch (err) {
    if (statusOf(err) !== 403) throw err;
    return commitStatus(client, repo, input);
  }
}
