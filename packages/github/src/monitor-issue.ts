import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ellipsize, markdownText, UserError } from '@modelgate/core';
import type { GitHubClient } from './client.js';
import { type RepoRef, repoRef } from './context.js';
import { dispatchRetrain, type RetrainTrigger } from './dispatch.js';
import { codeSpan, cutToFit, embedDocument, MAX_BODY_CHARS, markerValue } from './escape.js';
import { DRIFT_LABEL, ensureLabel } from './labels.js';

/** The files `modelgate monitor --out <dir>` writes. */
export const MONITOR_OUTPUTS = { json: 'monitor.json', markdown: 'monitor.md' } as const;

export interface MonitorAlert {
  kind: string;
  message: string;
}

export interface MonitorResult {
  alert: boolean;
  headline: string;
  alerts: MonitorAlert[];
  /** monitor.md, when it was written. */
  report: string | null;
}

/** Reads the verdict of monitor.json (and monitor.md) from `dir`. */
export async function readMonitor(dir: string, flag = '--monitor'): Promise<MonitorResult> {
  const path = join(dir, MONITOR_OUTPUTS.json);
  const text = await readFile(path, 'utf8').catch(() => {
    throw new UserError(`${flag}: no ${path}. Expected the --out directory of 'modelgate monitor'.`);
  });
  let verdict: { alert?: unknown; headline?: unknown; alerts?: unknown } | undefined;
  try {
    verdict = (JSON.parse(text) as { verdict?: typeof verdict }).verdict;
  } catch {
    throw new UserError(`${flag}: ${path} is not JSON.`);
  }
  if (typeof verdict?.alert !== 'boolean' || !Array.isArray(verdict.alerts)) {
    throw new UserError(
      `${flag}: ${path} has no verdict (expected verdict.alert and verdict.alerts from 'modelgate monitor').`,
    );
  }
  const alerts = (verdict.alerts as Record<string, unknown>[]).map((a) => ({
    kind: String(a.kind ?? 'alert'),
    message: String(a.message ?? ''),
  }));
  return {
    alert: verdict.alert && alerts.length > 0,
    headline: typeof verdict.headline === 'string' ? verdict.headline : '',
    alerts,
    report: await readFile(join(dir, MONITOR_OUTPUTS.markdown), 'utf8').catch(() => null),
  };
}

export function monitorMarker(model: string): string {
  return `<!-- modelgate:monitor model=${markerValue(model)} -->`;
}

export function renderMonitorIssueBody(
  model: string,
  monitor: MonitorResult,
  runUrl?: string | null,
): string {
  const alerts = monitor.alerts
    .slice(0, 50)
    .map((a) => `- ${codeSpan(a.kind, 40)} ${markdownText(ellipsize(a.message, 500))}`);
  const more = monitor.alerts.length - alerts.length;
  const head = [
    monitorMarker(model),
    `Monitoring of ${codeSpan(model)} raised ${monitor.alerts.length} alert${monitor.alerts.length === 1 ? '' : 's'}: ${markdownText(ellipsize(monitor.headline, 300))}`,
    '',
    ...alerts,
    ...(more > 0 ? [`- … ${more} more in monitor.json`] : []),
    '',
    `This issue is updated while the alerts persist and closed when a run finds none.${runUrl ? ` Latest: [workflow run](${encodeURI(runUrl)}).` : ''}`,
    '',
  ].join('\n');
  if (!monitor.report) return cutToFit(head, MAX_BODY_CHARS, '*Cut to fit.*');
  const report = `<details><summary>Monitoring report</summary>\n\n${embedDocument(monitor.report.trim())}\n\n</details>\n`;
  return `${head}\n${cutToFit(report, MAX_BODY_CHARS - head.length - 1, '*Cut to fit; everything is in monitor.json.*\n\n</details>')}`;
}

export type IssueAction = 'created' | 'updated' | 'closed' | 'unchanged';

export interface MonitorIssueResult {
  action: IssueAction;
  issue: number | null;
  url: string | null;
  alerts: number;
  /** The retraining that was started, if any. */
  dispatched: RetrainTrigger | null;
}

export interface MonitorIssueOptions {
  model: string;
  monitor: MonitorResult;
  /** Started when an issue is opened: drift newly confirmed, not on every scheduled run while it lasts. */
  retrain?: RetrainTrigger;
  runUrl?: string | null;
}

async function findOpenIssue(client: GitHubClient, repo: RepoRef, marker: string) {
  const pages = client.paginate.iterator(client.rest.issues.listForRepo, {
    ...repo,
    state: 'open',
    labels: DRIFT_LABEL.name,
    per_page: 100,
  });
  for await (const { data } of pages) {
    const found = data.find((i) => !i.pull_request && i.body?.startsWith(marker));
    if (found) return found;
  }
  return null;
}

/** One open issue per model: opened on alerts, edited while they persist, closed when they clear. */
export async function upsertMonitorIssue(
  client: GitHubClient,
  target: RepoRef,
  options: MonitorIssueOptions,
): Promise<MonitorIssueResult> {
  const repo = repoRef(target);
  const { model, monitor } = options;
  const existing = await findOpenIssue(client, repo, monitorMarker(model));
  const alerts = monitor.alerts.length;
  if (!monitor.alert) {
    if (!existing) return { action: 'unchanged', issue: null, url: null, alerts, dispatched: null };
    await client.rest.issues.createComment({
      ...repo,
      issue_number: existing.number,
      body: `✅ The latest monitoring run of ${codeSpan(model)} found no alerts${monitor.headline ? `: ${markdownText(ellipsize(monitor.headline, 300))}` : ''}. Closing.${options.runUrl ? ` ([workflow run](${encodeURI(options.runUrl)}))` : ''}`,
    });
    await client.rest.issues.update({
      ...repo,
      issue_number: existing.number,
      state: 'closed',
      state_reason: 'completed',
    });
    return { action: 'closed', issue: existing.number, url: existing.html_url, alerts, dispatched: null };
  }
  const body = renderMonitorIssueBody(model, monitor, options.runUrl);
  if (existing) {
    if (existing.body === body) {
      return {
        action: 'unchanged',
        issue: existing.number,
        url: existing.html_url,
        alerts,
        dispatched: null,
      };
    }
    await client.rest.issues.update({ ...repo, issue_number: existing.number, body });
    return { action: 'updated', issue: existing.number, url: existing.html_url, alerts, dispatched: null };
  }
  await ensureLabel(client, repo, DRIFT_LABEL);
  const { data } = await client.rest.issues.create({
    ...repo,
    title: `modelgate: ${ellipsize(model, 100)} drifted (${alerts} alert${alerts === 1 ? '' : 's'})`,
    body,
    labels: [DRIFT_LABEL.name],
  });
  if (options.retrain) {
    await dispatchRetrain(client, repo, options.retrain, {
      model,
      reason: monitor.headline || `${alerts} monitoring alerts`,
      issue: data.number,
    });
  }
  return {
    action: 'created',
    issue: data.number,
    url: data.html_url,
    alerts,
    dispatched: options.retrain ?? null,
  };
}
