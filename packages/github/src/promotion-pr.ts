import { markdownText } from '@modelgate/core';
import type { GitHubClient } from './client.js';
import { ownersOf, type Reviewers, reviewersOf } from './codeowners.js';
import { type RepoRef, repoRef } from './context.js';
import { codeSpan, cutToFit, embedDocument, MAX_BODY_CHARS, markerValue } from './escape.js';
import { statusOf } from './http-errors.js';
import { ensureLabel, PROMOTION_LABEL } from './labels.js';
import {
  type PromotionBranch,
  type PromotionBranchOptions,
  preparePromotionBranch,
} from './promotion-branch.js';
import type { UpsertAction } from './pull-request-comment.js';

export function promotionMarker(model: string, stage: string): string {
  return `<!-- modelgate:promotion model=${markerValue(model)} stage=${markerValue(stage)} -->`;
}

const titleHead = (model: string, version: string, stage: string) =>
  `modelgate: promote ${model} ${version} to ${stage}`;

export function promotionTitle(branch: PromotionBranch, model: string): string {
  const { version, stage, previous } = branch.change;
  return `${titleHead(model, version, stage)}${previous ? ` (was ${previous})` : ''}`;
}

/** Whether a promotion pull request's title says it moves `stage` to this version. */
export function promotesVersion(title: string, model: string, version: string, stage: string): boolean {
  const head = titleHead(model, version, stage);
  return title === head || title.startsWith(`${head} `);
}

/** The evaluation recorded with the version: its verdict and gate rules, leniently read. */
function evaluationSection(json: string | null): string {
  if (!json) return '*No evaluation was recorded with this version.*';
  try {
    const doc = JSON.parse(json) as { verdict?: unknown; gate?: { summary?: unknown; rules?: unknown } };
    const rules = Array.isArray(doc.gate?.rules) ? (doc.gate.rules as Record<string, unknown>[]) : [];
    const lines = rules.map(
      (r) =>
        `- ${markdownText(String(r.status ?? ''))} ${codeSpan(String(r.metric ?? ''))} ${markdownText(String(r.rule ?? ''))}: ${markdownText(String(r.reason ?? ''))}`,
    );
    const verdict = doc.verdict === 'pass' ? '✅ pass' : doc.verdict === 'fail' ? '❌ fail' : 'unknown';
    const summary = typeof doc.gate?.summary === 'string' ? ` — ${markdownText(doc.gate.summary)}` : '';
    return [`**Gate: ${verdict}**${summary}`, '', ...lines].join('\n');
  } catch {
    return '*The recorded evaluation.json is not JSON.*';
  }
}

export function renderPromotionBody(branch: PromotionBranch, model: string): string {
  const { version, stage, previous } = branch.change;
  const head = [
    promotionMarker(model, stage),
    `Moves ${codeSpan(stage)} of ${codeSpan(model)} ${previous ? `from ${codeSpan(previous)} ` : ''}to ${codeSpan(version)} in ${codeSpan(branch.stagesPath)}.`,
    '',
    '**Merging this pull request is the approval; reverting it is the rollback.** The deploy workflow runs when it lands on the default branch.',
    '',
    '## Evaluation',
    '',
    evaluationSection(branch.evaluationJson),
    '',
    '## Model card',
    '',
  ].join('\n');
  const card = branch.card
    ? embedDocument(branch.card.trim())
    : '*No card.md was recorded with this version.*';
  return `${head}${cutToFit(card, MAX_BODY_CHARS - head.length - 1, '*The card was cut to fit; the full card.md is in the registry.*')}\n`;
}

export interface PromotionPullRequestResult {
  action: UpsertAction | 'none';
  /** Why nothing was proposed, when action is none. */
  reason?: string;
  pullRequest: number | null;
  url: string | null;
  branch: string;
  branchAction: PromotionBranch['branchAction'];
  version: string;
  previous: string | null;
  reviewers: Reviewers;
  label: 'created' | 'exists' | null;
}

/** What this module reads of a pull request, whichever endpoint returned it. */
interface PullSummary {
  number: number;
  html_url: string;
  requested_reviewers?: { login: string }[] | null | undefined;
  requested_teams?: { slug: string }[] | null | undefined;
  labels: { name?: string | undefined }[];
}

/** The open pull request from `branch` (into `base`, when given). */
export async function findOpenPullRequest(
  client: GitHubClient,
  repo: RepoRef,
  branch: string,
  base?: string,
) {
  const pages = client.paginate.iterator(client.rest.pulls.list, {
    ...repo,
    state: 'open',
    head: `${repo.owner}:${branch}`,
    ...(base ? { base } : {}),
    per_page: 100,
  });
  for await (const { data } of pages) {
    const found = data.find((p) => p.head.ref === branch);
    if (found) return found;
  }
  return null;
}

/** Review requests for CODEOWNERS of stages.yaml that the pull request does not have yet. */
async function requestReviewers(
  client: GitHubClient,
  repo: RepoRef,
  pull: PullSummary,
  wanted: Reviewers,
  log: (line: string) => void,
): Promise<void> {
  const users = wanted.users.filter((u) => !(pull.requested_reviewers ?? []).some((r) => r.login === u));
  const teams = wanted.teams.filter((t) => !(pull.requested_teams ?? []).some((r) => r.slug === t));
  if (users.length === 0 && teams.length === 0) return;
  try {
    await client.rest.pulls.requestReviewers({
      ...repo,
      pull_number: pull.number,
      reviewers: users,
      team_reviewers: teams,
    });
  } catch (err) {
    // Owners who are not collaborators, or the author themselves, cannot be requested.
    if (statusOf(err) !== 422) throw err;
    log(
      `warning: could not request reviews from ${[...users, ...teams].join(', ')}: ${(err as Error).message}`,
    );
  }
}

export interface PromotionPullRequestOptions extends PromotionBranchOptions {
  log?: (line: string) => void;
}

/**
 * Opens — or updates, never duplicates — the pull request that moves a stage:
 * branch modelgate/promote/<model>/<stage> from the base branch's head with
 * stages.yaml changed, labelled, with CODEOWNERS of stages.yaml as reviewers.
 */
export async function upsertPromotionPullRequest(
  client: GitHubClient,
  target: RepoRef,
  options: PromotionPullRequestOptions,
): Promise<PromotionPullRequestResult> {
  const repo = repoRef(target);
  const log = options.log ?? (() => undefined);
  const branch = await preparePromotionBranch(options);
  const reviewers = reviewersOf(
    branch.codeOwners ? ownersOf(branch.codeOwners.rules, branch.stagesPath) : [],
  );
  const result = {
    branch: branch.branch,
    branchAction: branch.branchAction,
    version: branch.change.version,
    previous: branch.change.previous,
    reviewers,
  };
  if (branch.branchAction === 'none') {
    return {
      ...result,
      action: 'none',
      reason: `${branch.base} already has ${options.model} ${branch.change.version} in ${options.stage}`,
      pullRequest: null,
      url: null,
      label: null,
    };
  }
  const title = promotionTitle(branch, options.model);
  const body = renderPromotionBody(branch, options.model);
  const existing = await findOpenPullRequest(client, repo, branch.branch, branch.base);
  let pull: PullSummary;
  let action: UpsertAction;
  if (!existing) {
    ({ data: pull } = await client.rest.pulls.create({
      ...repo,
      title,
      body,
      head: branch.branch,
      base: branch.base,
    }));
    action = 'created';
  } else if (existing.title !== title || existing.body !== body) {
    ({ data: pull } = await client.rest.pulls.update({ ...repo, pull_number: existing.number, title, body }));
    action = 'updated';
  } else {
    pull = existing;
    action = branch.branchAction === 'pushed' ? 'updated' : 'unchanged';
  }
  const label = await ensureLabel(client, repo, PROMOTION_LABEL);
  if (!pull.labels.some((l) => l.name === PROMOTION_LABEL.name)) {
    await client.rest.issues.addLabels({
      ...repo,
      issue_number: pull.number,
      labels: [PROMOTION_LABEL.name],
    });
  }
  await requestReviewers(client, repo, pull, reviewers, log);
  return { ...result, action, pullRequest: pull.number, url: pull.html_url, label };
}
