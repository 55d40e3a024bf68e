import { ellipsize, markdownText, renderMarkdownTable } from '@modelgate/core';
import type { GitHubClient } from './client.js';
import { type RepoRef, repoRef } from './context.js';
import { codeSpan, cutToFit } from './escape.js';
import type { EvaluationResult } from './evaluation.js';
import { statusOf } from './http-errors.js';
import type { UpsertAction } from './pull-request-comment.js';

export type GateConclusion = 'success' | 'failure' | 'neutral';

/** The check's name, which branch protection can require. */
export function gateCheckName(model: string): string {
  return `modelgate/${model} gate`;
}

/** Nothing gated (no rules applied) is neither a pass nor a failure. */
export function gateConclusion(evaluation: EvaluationResult): GateConclusion {
  if (evaluation.verdict === 'fail') return 'failure';
  return evaluation.rules.some((r) => r.status !== 'skipped') ? 'success' : 'neutral';
}

const MAX_SUMMARY_CHARS = 65_535;
const STATUS_MARK = { pass: '✅ pass', fail: '❌ fail', skipped: '➖ skipped' } as const;

/** The check's summary: the verdict and one row per gate rule. */
export function renderGateSummary(evaluation: EvaluationResult): string {
  const table = renderMarkdownTable({
    columns: [
      { header: 'rule' },
      { header: 'metric', markdown: true },
      { header: 'status' },
      { header: 'reason', markdown: true },
    ],
    rows: evaluation.rules.map((r) => [
      r.rule,
      codeSpan(r.metric),
      STATUS_MARK[r.status],
      markdownText(r.reason),
    ]),
  });
  const versus = evaluation.champion ? `against ${codeSpan(evaluation.champion)}` : 'with no champion';
  const text = `**${markdownText(evaluation.summary)}**\n\nChallenger ${codeSpan(evaluation.challenger)} ${versus}.\n\n${evaluation.rules.length > 0 ? table : '*No gate rules applied.*'}\n`;
  return cutToFit(text, MAX_SUMMARY_CHARS, '*Cut to fit; every rule is in evaluation.json.*');
}

export interface GateCheckOptions {
  /** The pull request's head commit. */
  sha: string;
  detailsUrl?: string | null;
}

export interface GateCheckResult {
  kind: 'check-run' | 'status';
  action: UpsertAction;
  id: number;
  url: string;
  name: string;
  conclusion: GateConclusion;
}

async function commitStatus(
  client: GitHubClient,
  repo: RepoRef,
  evaluation: EvaluationResult,
  options: GateCheckOptions,
): Promise<GateCheckResult> {
  const name = gateCheckName(evaluation.model);
  const conclusion = gateConclusion(evaluation);
  const { data } = await client.rest.repos.createCommitStatus({
    ...repo,
    sha: options.sha,
    state: conclusion === 'failure' ? 'failure' : 'success',
    context: name,
    description: ellipsize(evaluation.summary.replace(/\s+/g, ' '), 140),
    ...(options.detailsUrl ? { target_url: options.detailsUrl } : {}),
  });
  return { kind: 'status', action: 'created', id: data.id, url: data.url, name, conclusion };
}

/**
 * The gate verdict as a check run on the head commit (updated when one of the
 * same name is there already); a commit status when the token may not write
 * checks (403, e.g. a GITHUB_TOKEN without `checks: write`).
 */
export async function publishGateCheck(
  client: GitHubClient,
  target: RepoRef,
  evaluation: EvaluationResult,
  options: GateCheckOptions,
): Promise<GateCheckResult> {
  const repo = repoRef(target);
  const name = gateCheckName(evaluation.model);
  const conclusion = gateConclusion(evaluation);
  const output = {
    title: ellipsize(evaluation.summary.replace(/\s+/g, ' '), 200),
    summary: renderGateSummary(evaluation),
  };
  try {
    const { data: listed } = await client.rest.checks.listForRef({
      ...repo,
      ref: options.sha,
      check_name: name,
      filter: 'latest',
    });
    const existing = listed.check_runs[0];
    const result = (
      action: GateCheckResult['action'],
      run: { id: number; html_url: string | null; url: string },
    ) => ({ kind: 'check-run', action, id: run.id, url: run.html_url ?? run.url, name, conclusion }) as const;
    if (existing?.conclusion === conclusion && existing.output.summary === output.summary) {
      return result('unchanged', existing);
    }
    const fields = {
      ...repo,
      status: 'completed' as const,
      conclusion,
      output,
      ...(options.detailsUrl ? { details_url: options.detailsUrl } : {}),
    };
    if (existing) {
      const { data } = await client.rest.checks.update({ ...fields, check_run_id: existing.id });
      return result('updated', data);
    }
    const { data } = await client.rest.checks.create({ ...fields, name, head_sha: options.sha });
    return result('created', data);
  } catch (err) {
    if (statusOf(err) !== 403) throw err;
    return commitStatus(client, repo, evaluation, options);
  }
}
