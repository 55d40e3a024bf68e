import { markdownText, renderMarkdownTable } from '@modelgate/core';
import { type CheckConclusion, type CheckRunResult, upsertCheckRun } from './check-run.js';
import type { GitHubClient } from './client.js';
import { type RepoRef, repoRef } from './context.js';
import { codeSpan, cutToFit } from './escape.js';
import type { EvaluationResult } from './evaluation.js';

export type GateConclusion = CheckConclusion;

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

export type GateCheckResult = CheckRunResult;

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
  return upsertCheckRun(client, repoRef(target), {
    name: gateCheckName(evaluation.model),
    sha: options.sha,
    conclusion: gateConclusion(evaluation),
    title: evaluation.summary,
    summary: renderGateSummary(evaluation),
    ...(options.detailsUrl !== undefined ? { detailsUrl: options.detailsUrl } : {}),
  });
}
