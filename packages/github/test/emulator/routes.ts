import type { Operation } from './openapi.js';
import {
  checkRun,
  comment,
  commitStatus,
  issue,
  label,
  outputOf,
  pull,
  repository,
  team,
  user,
} from './resources.js';
import type { EmulatorState, Resource } from './state.js';

export interface RouteRequest {
  op: Operation;
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** The emulator's base URL, for the urls in resources and Link headers. */
  api: string;
  /** The request path with its query, for Link headers. */
  path: string;
}

export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Route = (state: EmulatorState, req: RouteRequest) => RouteResponse;

const notFound = (): RouteResponse => ({
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
});

const num = (req: RouteRequest, name: string) => Number(req.op.params[name]);
const now = () => new Date().toISOString();

/** One page of `items`, with the Link header octokit's paginate follows. */
function page(items: readonly Resource[], req: RouteRequest): RouteResponse {
  const perPage = Number(req.query.get('per_page') ?? 30);
  const current = Number(req.query.get('page') ?? 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const headers: Record<string, string> = {};
  if (current < last) {
    const next = new URL(req.path, req.api);
    next.searchParams.set('page', String(current + 1));
    next.searchParams.set('per_page', String(perPage));
    headers.link = `<${req.api}${next.pathname}${next.search}>; rel="next"`;
  }
  return { status: 200, body: items.slice((current - 1) * perPage, current * perPage), headers };
}

function findIssueLike(state: EmulatorState, number: number): Resource | undefined {
  return [...state.issues, ...state.pulls].find((r) => r.number === number);
}

function labelNamed(state: EmulatorState, req: RouteRequest, name: string): Resource {
  const existing = state.labels.find((l) => String(l.name).toLowerCase() === name.toLowerCase());
  if (existing) return existing;
  const made = label(state, req.api, { name });
  state.labels.push(made);
  return made;
}

function touch(resource: Resource): void {
  resource.updated_at = now();
}

const routes: Record<string, Route> = {
  'repos/get': (state, req) => ({ status: 200, body: repository(state, req.api) }),

  'issues/list-comments': (state, req) => {
    const issueUrl = `/issues/${num(req, 'issue_number')}`;
    return page(
      state.comments.filter((c) => String(c.issue_url).endsWith(issueUrl)),
      req,
    );
  },
  'issues/create-comment': (state, req) => {
    const target = findIssueLike(state, num(req, 'issue_number'));
    if (!target) return notFound();
    const made = comment(state, req.api, num(req, 'issue_number'), String(req.body.body));
    state.comments.push(made);
    if (typeof target.comments === 'number') target.comments += 1;
    return { status: 201, body: made };
  },
  'issues/update-comment': (state, req) => {
    const found = state.comments.find((c) => c.id === num(req, 'comment_id'));
    if (!found) return notFound();
    found.body = req.body.body;
    touch(found);
    return { status: 200, body: found };
  },

  'pulls/list': (state, req) => {
    const wanted = req.query.get('state') ?? 'open';
    const head = req.query.get('head');
    const base = req.query.get('base');
    return page(
      state.pulls.filter(
        (p) =>
          (wanted === 'all' || p.state === wanted) &&
          (!head || (p.head as Resource).label === head) &&
          (!base || (p.base as Resource).ref === base),
      ),
      req,
    );
  },
  'pulls/create': (state, req) => {
    const head = String(req.body.head);
    const made = pull(state, req.api, {
      title: String(req.body.title),
      body: typeof req.body.body === 'string' ? req.body.body : null,
      head: head.includes(':') ? head.slice(head.indexOf(':') + 1) : head,
      base: String(req.body.base),
      headSha: 'a'.repeat(40),
      draft: req.body.draft === true,
    });
    if (
      state.pulls.some((p) => p.state === 'open' && (p.head as Resource).ref === (made.head as Resource).ref)
    ) {
      state.nextNumber--;
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [
            {
              resource: 'PullRequest',
              code: 'custom',
              message: `A pull request already exists for ${head}.`,
            },
          ],
          documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
        },
      };
    }
    state.pulls.push(made);
    return { status: 201, body: made };
  },
  'pulls/update': (state, req) => {
    const found = state.pulls.find((p) => p.number === num(req, 'pull_number'));
    if (!found) return notFound();
    for (const key of ['title', 'body', 'state'] as const) if (key in req.body) found[key] = req.body[key];
    if (found.state === 'closed') found.closed_at = now();
    touch(found);
    return { status: 200, body: found };
  },
  'pulls/request-reviewers': (state, req) => {
    const found = state.pulls.find((p) => p.number === num(req, 'pull_number'));
    if (!found) return notFound();
    const users = found.requested_reviewers as Resource[];
    const teams = found.requested_teams as Resource[];
    for (const login of (req.body.reviewers as string[] | undefined) ?? []) {
      if (!users.some((u) => u.login === login)) users.push(user(state, login));
    }
    for (const slug of (req.body.team_reviewers as string[] | undefined) ?? []) {
      if (!teams.some((t) => t.slug === slug)) teams.push(team(slug));
    }
    return { status: 201, body: found };
  },

  'issues/get-label': (state, req) => {
    const name = req.op.params.name ?? '';
    const found = state.labels.find((l) => String(l.name).toLowerCase() === name.toLowerCase());
    return found ? { status: 200, body: found } : notFound();
  },
  'issues/create-label': (state, req) => {
    const name = String(req.body.name);
    if (state.labels.some((l) => String(l.name).toLowerCase() === name.toLowerCase())) {
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
          documentation_url: 'https://docs.github.com/rest/issues/labels#create-a-label',
        },
      };
    }
    const made = label(state, req.api, req.body);
    state.labels.push(made);
    return { status: 201, body: made };
  },
  'issues/add-labels': (state, req) => {
    const target = findIssueLike(state, num(req, 'issue_number'));
    if (!target) return notFound();
    const current = target.labels as Resource[];
    for (const name of (req.body.labels as string[] | undefined) ?? []) {
      const found = labelNamed(state, req, name);
      if (!current.some((l) => l.id === found.id)) current.push(found);
    }
    return { status: 200, body: current };
  },

  'issues/list-for-repo': (state, req) => {
    const wanted = req.query.get('state') ?? 'open';
    const labels = (req.query.get('labels') ?? '').split(',').filter(Boolean);
    return page(
      state.issues.filter(
        (i) =>
          (wanted === 'all' || i.state === wanted) &&
          labels.every((name) => (i.labels as Resource[]).some((l) => l.name === name)),
      ),
      req,
    );
  },
  'issues/create': (state, req) => {
    const made = issue(state, req.api, req.body);
    for (const name of (req.body.labels as string[] | undefined) ?? []) {
      (made.labels as Resource[]).push(labelNamed(state, req, name));
    }
    state.issues.push(made);
    return { status: 201, body: made };
  },
  'issues/update': (state, req) => {
    const found = state.issues.find((i) => i.number === num(req, 'issue_number'));
    if (!found) return notFound();
    for (const key of ['title', 'body', 'state', 'state_reason'] as const) {
      if (key in req.body) found[key] = req.body[key];
    }
    found.closed_at = found.state === 'closed' ? now() : null;
    touch(found);
    return { status: 200, body: found };
  },

  'checks/create': (state, req) => {
    const made = checkRun(state, req.api, req.body);
    state.checkRuns.push(made);
    return { status: 201, body: made };
  },
  'checks/update': (state, req) => {
    const found = state.checkRuns.find((c) => c.id === num(req, 'check_run_id'));
    if (!found) return notFound();
    for (const key of ['name', 'details_url', 'external_id', 'status', 'conclusion'] as const) {
      if (key in req.body) found[key] = req.body[key];
    }
    if (req.body.output) found.output = outputOf(req.body.output as Resource);
    if (found.conclusion) {
      found.status = 'completed';
      found.completed_at = now();
    }
    return { status: 200, body: found };
  },
  'checks/list-for-ref': (state, req) => {
    const name = req.query.get('check_name');
    const runs = state.checkRuns.filter(
      (c) => c.head_sha === req.op.params.ref && (!name || c.name === name),
    );
    return { status: 200, body: { total_count: runs.length, check_runs: runs } };
  },
  'repos/create-commit-status': (state, req) => {
    const made = commitStatus(state, req.api, req.op.params.sha ?? '', req.body);
    state.statuses.push({ ...made, sha: req.op.params.sha });
    return { status: 201, body: made };
  },

  'actions/create-workflow-dispatch': (state, req) => {
    state.dispatches.push({
      kind: 'workflow',
      target: req.op.params.workflow_id ?? '',
      ref: String(req.body.ref),
      payload: (req.body.inputs as Record<string, unknown> | undefined) ?? {},
    });
    return { status: 204 };
  },
  'repos/create-dispatch-event': (state, req) => {
    state.dispatches.push({
      kind: 'repository',
      target: String(req.body.event_type),
      payload: (req.body.client_payload as Record<string, unknown> | undefined) ?? {},
    });
    return { status: 204 };
  },
};

export function route(operationId: string): Route | undefined {
  return routes[operationId];
}

export const IMPLEMENTED_OPERATIONS = Object.keys(routes);
