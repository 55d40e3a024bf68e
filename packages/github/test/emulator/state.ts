/** A GitHub resource as the REST API returns it (fields as documented in the OpenAPI description). */
export type Resource = Record<string, unknown>;

export interface Dispatch {
  kind: 'workflow' | 'repository';
  /** workflow_dispatch: the workflow file or id; repository_dispatch: the event type. */
  target: string;
  ref?: string;
  payload: Record<string, unknown>;
}

/** An error the test wants a route to answer with (e.g. 403 for check runs). */
export interface InjectedFailure {
  status: number;
  message: string;
}

/** Everything the emulated repository holds; tests read it and may seed or change it. */
export interface EmulatorState {
  owner: string;
  repo: string;
  defaultBranch: string;
  /** Issue and pull request comments, all issues. */
  comments: Resource[];
  pulls: Resource[];
  /** Issues that are not pull requests. */
  issues: Resource[];
  labels: Resource[];
  checkRuns: Resource[];
  statuses: Resource[];
  dispatches: Dispatch[];
  /** operationId (e.g. 'checks/create') -> the error it answers with instead. */
  failures: Record<string, InjectedFailure>;
  /** The login the token belongs to: the author of what the emulator creates. */
  login: string;
  nextId: number;
  /** Issues and pull requests share one sequence of numbers, as on GitHub. */
  nextNumber: number;
}

export function initialState(owner: string, repo: string, defaultBranch: string): EmulatorState {
  return {
    owner,
    repo,
    defaultBranch,
    comments: [],
    pulls: [],
    issues: [],
    labels: [],
    checkRuns: [],
    statuses: [],
    dispatches: [],
    failures: {},
    login: 'github-actions[bot]',
    nextId: 1000,
    nextNumber: 1,
  };
}
