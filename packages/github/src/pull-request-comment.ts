import type { GitHubClient } from './client.js';
import { type RepoRef, repoRef } from './context.js';

export interface FoundComment {
  id: number;
  body: string;
  url: string;
}

/** The first comment on an issue or PR whose body starts with `marker`, reading every page. */
export async function findMarkedComment(
  client: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  marker: string,
): Promise<FoundComment | null> {
  const pages = client.paginate.iterator(client.rest.issues.listComments, {
    ...repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  for await (const { data } of pages) {
    for (const comment of data) {
      if (comment.body?.startsWith(marker))
        return { id: comment.id, body: comment.body, url: comment.html_url };
    }
  }
  return null;
}

export type UpsertAction = 'created' | 'updated' | 'unchanged';

export interface UpsertedComment {
  action: UpsertAction;
  id: number;
  url: string;
}

/** Creates the marked comment, or edits it in place; an unchanged body is not sent again. */
export async function upsertMarkedComment(
  client: GitHubClient,
  target: RepoRef,
  issueNumber: number,
  marker: string,
  render: (previous: string | null) => string,
): Promise<UpsertedComment> {
  const repo = repoRef(target);
  const found = await findMarkedComment(client, repo, issueNumber, marker);
  const body = render(found?.body ?? null);
  if (!found) {
    const { data } = await client.rest.issues.createComment({ ...repo, issue_number: issueNumber, body });
    return { action: 'created', id: data.id, url: data.html_url };
  }
  if (found.body === body) return { action: 'unchanged', id: found.id, url: found.url };
  const { data } = await client.rest.issues.updateComment({ ...repo, comment_id: found.id, body });
  return { action: 'updated', id: data.id, url: data.html_url };
}
