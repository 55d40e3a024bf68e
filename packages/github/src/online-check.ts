import { ellipsize, markdownText } from '@modelgate/core';
import type { OnlineRequirement } from '@modelgate/registry';
import { type CheckConclusion, type CheckRunResult, upsertCheckRun } from './check-run.js';
import type { GitHubClient } from './client.js';
import { type RepoRef, repoRef } from './context.js';
import { cutToFit, MAX_BODY_CHARS, markerValue } from './escape.js';
import { promotionBranch } from './promotion-branch.js';
import { findOpenPullRequest, promotesVersion } from './promotion-pr.js';
import { type UpsertedComment, upsertMarkedComment } from './pull-request-comment.js';

/** What this module reads of `monitor --compare`'s compare.json. */
export interface OnlineReport {
  /** The model the shadow rows name (absent from reports older than the field). */
  shadowModel?: string | null;
  versions: { production: string[]; shadow: string[] };
  rows: { paired: number };
  verdict: { status: 'pass' | 'fail' | 'pending'; summary: string };
}

/** The verdict line as the check's summary repeats it; the report itself is in the comment. */
const MAX_TITLE_CHARS = 1000;

/** The check's name, which branch protection can require. */
export function onlineCheckName(model: string): string {
  return `modelgate/${model} online`;
}

export function onlineMarker(model: string): string {
  return `<!-- modelgate:online model=${markerValue(model)} -->`;
}

/**
 * A fail verdict always fails the check. With a requirement (registry.yaml
 * rules.<stage>.online), too few shadowed rows or no pass verdict yet fail it
 * too, so a required check holds the merge; without one, a pending verdict
 * is neutral.
 */
export function onlineConclusion(
  report: OnlineReport,
  requirement: OnlineRequirement | null,
): { conclusion: CheckConclusion; title: string } {
  const { status, summary } = report.verdict;
  const rows = report.rows.paired;
  if (status === 'fail') return { conclusion: 'failure', title: `online gate: ${summary}` };
  if (requirement && rows < requirement.minShadowRows) {
    return {
      conclusion: 'failure',
      title: `${rows} of the ${requirement.minShadowRows} shadowed rows registry.yaml requires; ${summary}`,
    };
  }
  if (status === 'pass') return { conclusion: 'success', title: `online gate: ${summary}` };
  return requirement?.verdict
    ? { conclusion: 'failure', title: `registry.yaml requires an online verdict: ${summary}` }
    : { conclusion: 'neutral', title: `online gate: ${summary}` };
}

export interface OnlineReportOptions {
  model: string;
  /** The stage the promotion PR moves (the production stage). */
  stage: string;
  report: OnlineReport;
  /** compare.md, posted as the comment. */
  markdown: string;
  requirement: OnlineRequirement | null;
  base?: string;
  detailsUrl?: string | null;
}

export interface OnlineReportResult {
  /** Why nothing was posted: no open promotion PR, or it promotes a version that was not shadowed. */
  skipped: string | null;
  pullRequest: number | null;
  comment: UpsertedComment | null;
  check: CheckRunResult | null;
}

/**
 * The online report on the open promotion pull request of a version that
 * was shadowed: one comment, edited in place on every run, and a check run
 * on the PR's head with the online verdict.
 */
export async function publishOnlineReport(
  client: GitHubClient,
  target: RepoRef,
  options: OnlineReportOptions,
): Promise<OnlineReportResult> {
  const repo = repoRef(target);
  const none = { pullRequest: null, comment: null, check: null };
  const branch = promotionBranch(options.model, options.stage);
  const pull = await findOpenPullRequest(client, repo, branch, options.base);
  if (!pull) return { ...none, skipped: `no open promotion pull request (${branch})` };
  const { shadowModel } = options.report;
  // A shadow of another model (a file, say) shares version names with this one, not its versions.
  if (shadowModel && shadowModel !== options.model) {
    return {
      ...none,
      pullRequest: pull.number,
      skipped: `the shadow rows are of model ${shadowModel}, not ${options.model}: pull request #${pull.number} promotes no version they scored`,
    };
  }
  const shadowed = options.report.versions.shadow.find((v) =>
    promotesVersion(pull.title, options.model, v, options.stage),
  );
  if (!shadowed) {
    return {
      ...none,
      pullRequest: pull.number,
      skipped: `pull request #${pull.number} does not promote a shadowed version (${options.report.versions.shadow.join(', ') || 'none'})`,
    };
  }
  const marker = onlineMarker(options.model);
  const body = `${marker}\n${cutToFit(options.markdown, MAX_BODY_CHARS - marker.length - 1, '*Cut to fit; the full report is compare.json.*')}`;
  const comment = await upsertMarkedComment(client, repo, pull.number, marker, () => body);
  const { conclusion, title } = onlineConclusion(options.report, options.requirement);
  const requirement = options.requirement
    ? `registry.yaml requires ${options.requirement.verdict ? 'a pass verdict and ' : ''}at least ${options.requirement.minShadowRows} shadowed rows before this promotion merges.`
    : 'registry.yaml requires no online verdict for this stage: the check informs.';
  const check = await upsertCheckRun(client, repo, {
    name: onlineCheckName(options.model),
    sha: pull.head.sha,
    conclusion,
    title,
    summary: `**${markdownText(ellipsize(title, MAX_TITLE_CHARS))}**\n\n${markdownText(requirement)}\n\nThe report is in the pull request's comments: ${comment.url}\n`,
    ...(options.detailsUrl !== undefined ? { detailsUrl: options.detailsUrl } : {}),
  });
  return { skipped: null, pullRequest: pull.number, comment, check };
}
