import * as core from '@actions/core';
import type { CommandOutcome } from './outcome.js';

export function underGitHubActions(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

/** Findings become annotations on the run and the summary goes to the job summary page. */
export async function reportToGitHub(outcome: CommandOutcome): Promise<void> {
  for (const f of outcome.findings ?? []) {
    const props = { ...(f.title ? { title: f.title } : {}), ...(f.file ? { file: f.file } : {}) };
    if (f.level === 'error') core.error(f.message, props);
    else if (f.level === 'warning') core.warning(f.message, props);
    else core.notice(f.message, props);
  }
  if (outcome.summary && process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(outcome.summary, true).write();
  }
}
