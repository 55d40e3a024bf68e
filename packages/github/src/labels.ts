import type { GitHubClient } from './client.js';
import { type RepoRef, repoRef } from './context.js';
import { statusOf } from './http-errors.js';

export interface LabelSpec {
  name: string;
  /** Six hex digits, no '#'. */
  color: string;
  description: string;
}

export const PROMOTION_LABEL: LabelSpec = {
  name: 'modelgate:promotion',
  color: '1d76db',
  description: 'A modelgate stage promotion: merging it approves, reverting it rolls back',
};

export const DRIFT_LABEL: LabelSpec = {
  name: 'modelgate:drift',
  color: 'd93f0b',
  description: 'modelgate monitoring found drift or a performance drop',
};

/** Creates the label when the repository lacks it; another run creating it first is fine. */
export async function ensureLabel(
  client: GitHubClient,
  target: RepoRef,
  label: LabelSpec,
): Promise<'created' | 'exists'> {
  const repo = repoRef(target);
  try {
    await client.rest.issues.getLabel({ ...repo, name: label.name });
    return 'exists';
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
  try {
    await client.rest.issues.createLabel({ ...repo, ...label });
    return 'created';
  } catch (err) {
    if (statusOf(err) === 422) return 'exists';
    throw err;
  }
}
