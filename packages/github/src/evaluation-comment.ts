import { ellipsize, markdownText } from '@modelgate/core';
import type { GitHubClient } from './client.js';
import { type PullRequestContext, type RepoRef, repoRef } from './context.js';
import { codeSpan, cutToFit, embedDocument, MAX_BODY_CHARS, markerValue } from './escape.js';
import type { EvaluationResult } from './evaluation.js';
import { type UpsertAction, upsertMarkedComment } from './pull-request-comment.js';

/** Earlier runs kept in the comment by default. */
export const DEFAULT_KEEP_RUNS = 5;

export function evaluationMarker(model: string): string {
  return `<!-- modelgate:evaluation model=${markerValue(model)} -->`;
}

interface Run {
  sha: string;
  verdict: 'pass' | 'fail';
  /** The embedded report. */
  report: string;
}

const RUN_END = '<!-- modelgate:run-end -->';
const runStart = (run: Run) => `<!-- modelgate:run sha=${markerValue(run.sha)} verdict=${run.verdict} -->`;
const RUN_PATTERN =
  /<!-- modelgate:run sha=(\S+) verdict=(pass|fail) -->\n([\s\S]*?)\n<!-- modelgate:run-end -->/g;

/** The runs a comment body holds, newest first. */
export function parseRuns(body: string): Run[] {
  return [...body.matchAll(RUN_PATTERN)].map((m) => ({
    sha: decodeURIComponent(m[1] ?? ''),
    verdict: m[2] === 'pass' ? 'pass' : 'fail',
    report: m[3] ?? '',
  }));
}

const ICON = { pass: '✅', fail: '❌' } as const;
const shortSha = (sha: string) => codeSpan(sha.slice(0, 7));

export interface CommentContext {
  pullRequest: PullRequestContext;
  runUrl?: string | null;
  /** Earlier runs to keep (default 5). */
  keep?: number;
}

function renderRun(run: Run): string {
  return `${runStart(run)}\n${run.report}\n${RUN_END}`;
}

function renderEarlier(runs: readonly Run[]): string {
  if (runs.length === 0) return '';
  const items = runs.map(
    (run) =>
      `<details><summary>${ICON[run.verdict]} ${run.verdict} at ${shortSha(run.sha)}</summary>\n\n${renderRun(run)}\n\n</details>`,
  );
  return `\n\n<details><summary>Earlier runs on this pull request (${runs.length})</summary>\n\n${items.join('\n\n')}\n\n</details>`;
}

function renderBody(
  evaluation: EvaluationResult,
  context: CommentContext,
  current: Run,
  earlier: Run[],
): string {
  const pr = context.pullRequest;
  const verdict = evaluation.verdict === 'pass' ? 'passes the gate' : 'fails the gate';
  const where = [
    `head ${shortSha(pr.headSha)}`,
    ...(pr.headRef ? [`of ${codeSpan(pr.headRef)}`] : []),
    ...(context.runUrl ? [`· [workflow run](${encodeURI(context.runUrl)})`] : []),
  ].join(' ');
  const head = `${evaluationMarker(evaluation.model)}\n### ${ICON[evaluation.verdict]} modelgate: ${codeSpan(evaluation.model)} ${verdict}\n<sub>${where} · ${markdownText(ellipsize(evaluation.summary, 300))}</sub>\n\n`;
  const fixed = head.length + renderRun({ ...current, report: '' }).length;
  let kept = [...earlier];
  while (kept.length > 0 && fixed + current.report.length + renderEarlier(kept).length > MAX_BODY_CHARS) {
    kept = kept.slice(0, -1);
  }
  const room = MAX_BODY_CHARS - fixed - renderEarlier(kept).length;
  const report = cutToFit(
    current.report,
    room,
    '*The report was cut to fit a comment; the full report is in the job summary.*',
  );
  return `${head}${renderRun({ ...current, report })}${renderEarlier(kept)}`;
}

/**
 * The comment body for this run: the report, with the runs of earlier pushes
 * folded underneath (the last `keep`, fewer when the body would pass GitHub's
 * limit). A re-run of the same head commit replaces its own entry.
 */
export function renderEvaluationComment(
  evaluation: EvaluationResult,
  context: CommentContext,
  previousBody: string | null,
): string {
  const current: Run = {
    sha: context.pullRequest.headSha,
    verdict: evaluation.verdict,
    report: embedDocument(evaluation.report.trim()),
  };
  const earlier = (previousBody ? parseRuns(previousBody) : [])
    .filter((run) => run.sha !== current.sha)
    .slice(0, context.keep ?? DEFAULT_KEEP_RUNS);
  return renderBody(evaluation, context, current, earlier);
}

export interface EvaluationCommentResult {
  action: UpsertAction;
  commentId: number;
  url: string;
  pullRequest: number;
  verdict: 'pass' | 'fail';
}

/** One comment per pull request and model, found by its marker and edited in place on every push. */
export async function upsertEvaluationComment(
  client: GitHubClient,
  target: RepoRef,
  evaluation: EvaluationResult,
  context: CommentContext,
): Promise<EvaluationCommentResult> {
  const repo = repoRef(target);
  const number = context.pullRequest.number;
  const done = await upsertMarkedComment(
    client,
    repo,
    number,
    evaluationMarker(evaluation.model),
    (previous) => renderEvaluationComment(evaluation, context, previous),
  );
  return {
    action: done.action,
    commentId: done.id,
    url: done.url,
    pullRequest: number,
    verdict: evaluation.verdict,
  };
}
