import type { GitHubClient } from './client.js';
import { type RepoRef, repoRef } from './context.js';

export const RETRAIN_EVENT = 'modelgate-retrain';

/** How to start retraining: a workflow_dispatch of a workflow file, or a repository_dispatch event. */
export type RetrainTrigger =
  | { kind: 'workflow'; workflow: string; ref: string }
  | { kind: 'repository'; eventType: string };

export interface RetrainRequest {
  model: string;
  reason: string;
  /** The monitoring issue, for the retraining run to link back to. */
  issue?: number;
}

/** Starts the retraining workflow; inputs are strings, as workflow_dispatch requires. */
export async function dispatchRetrain(
  client: GitHubClient,
  target: RepoRef,
  trigger: RetrainTrigger,
  request: RetrainRequest,
): Promise<void> {
  const repo = repoRef(target);
  const reason = request.reason.slice(0, 1000);
  if (trigger.kind === 'workflow') {
    await client.rest.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: trigger.workflow,
      ref: trigger.ref,
      inputs: { model: request.model, reason },
    });
    return;
  }
  await client.rest.repos.createDispatchEvent({
    ...repo,
    event_type: trigger.eventType,
    client_payload: {
      model: request.model,
      reason,
      ...(request.issue !== undefined ? { issue: request.issue } : {}),
    },
  });
}
