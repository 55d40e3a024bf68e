import { exampleResponse } from './openapi.js';
import type { EmulatorState, Resource } from './state.js';

const now = () => new Date().toISOString();

/** GitHub's documented example, made ours: ids, urls and the fields every route sets. */
function fromExample(operationId: string, status: number, fields: Resource): Resource {
  return { ...exampleResponse(operationId, status), ...fields };
}

function urls(state: EmulatorState, api: string, path: string) {
  const repoPath = `${state.owner}/${state.repo}`;
  return {
    url: `${api}/repos/${repoPath}/${path}`,
    html_url: `https://github.com/${repoPath}/${path.replace(/^pulls\//, 'pull/')}`,
  };
}

export function user(state: EmulatorState, login: string = state.login): Resource {
  const base = exampleResponse('issues/create-comment', 201).user as Resource;
  return {
    ...base,
    login,
    id: login.length * 7919,
    html_url: `https://github.com/${encodeURIComponent(login)}`,
  };
}

export function team(slug: string): Resource {
  const base = (exampleResponse('pulls/create', 201).requested_teams as Resource[])[0] as Resource;
  return { ...base, slug, name: slug, type: 'organization', parent: null };
}

export function repository(state: EmulatorState, api: string): Resource {
  return fromExample('repos/get', 200, {
    name: state.repo,
    full_name: `${state.owner}/${state.repo}`,
    default_branch: state.defaultBranch,
    language: 'TypeScript',
    url: `${api}/repos/${state.owner}/${state.repo}`,
    owner: { ...user(state, state.owner), type: 'Organization' },
    source: undefined,
    parent: undefined,
    template_repository: undefined,
  });
}

export function comment(state: EmulatorState, api: string, issue: number, body: string): Resource {
  const id = state.nextId++;
  return fromExample('issues/create-comment', 201, {
    id,
    node_id: `IC_${id}`,
    ...urls(state, api, `issues/comments/${id}`),
    html_url: `https://github.com/${state.owner}/${state.repo}/issues/${issue}#issuecomment-${id}`,
    issue_url: `${api}/repos/${state.owner}/${state.repo}/issues/${issue}`,
    body,
    user: user(state),
    created_at: now(),
    updated_at: now(),
  });
}

export function label(state: EmulatorState, api: string, fields: Resource): Resource {
  const id = state.nextId++;
  const name = String(fields.name);
  return fromExample('issues/create-label', 201, {
    id,
    node_id: `LA_${id}`,
    url: `${api}/repos/${state.owner}/${state.repo}/labels/${encodeURIComponent(name)}`,
    name,
    color: fields.color ?? 'ededed',
    description: fields.description ?? null,
    default: false,
  });
}

export interface PullFields {
  title: string;
  body: string | null;
  head: string;
  base: string;
  headSha: string;
  draft: boolean;
}

export function pull(state: EmulatorState, api: string, fields: PullFields): Resource {
  const id = state.nextId++;
  const number = state.nextNumber++;
  const example = exampleResponse('pulls/create', 201);
  const branch = (ref: string, sha: string) => ({
    ...(example.head as Resource),
    label: `${state.owner}:${ref}`,
    ref,
    sha,
    repo: repository(state, api),
  });
  return {
    ...example,
    id,
    node_id: `PR_${id}`,
    number,
    ...urls(state, api, `pulls/${number}`),
    state: 'open',
    title: fields.title,
    body: fields.body,
    draft: fields.draft,
    user: user(state),
    head: branch(fields.head, fields.headSha),
    base: branch(fields.base, 'b'.repeat(40)),
    labels: [],
    requested_reviewers: [],
    requested_teams: [],
    merged: false,
    merged_at: null,
    closed_at: null,
    created_at: now(),
    updated_at: now(),
  };
}

export function issue(state: EmulatorState, api: string, fields: Resource): Resource {
  const id = state.nextId++;
  const number = state.nextNumber++;
  return fromExample('issues/create', 201, {
    id,
    node_id: `I_${id}`,
    number,
    ...urls(state, api, `issues/${number}`),
    state: 'open',
    state_reason: null,
    title: fields.title,
    body: fields.body ?? null,
    user: user(state),
    labels: [],
    assignee: null,
    assignees: [],
    milestone: null,
    pull_request: undefined,
    comments: 0,
    closed_at: null,
    created_at: now(),
    updated_at: now(),
  });
}

export function checkRun(state: EmulatorState, api: string, fields: Resource): Resource {
  const id = state.nextId++;
  const example = exampleResponse('checks/create', 201);
  const conclusion = (fields.conclusion as string | undefined) ?? null;
  return {
    ...example,
    id,
    node_id: `CR_${id}`,
    ...urls(state, api, `check-runs/${id}`),
    name: fields.name,
    head_sha: fields.head_sha,
    external_id: fields.external_id ?? '',
    details_url: fields.details_url ?? null,
    status: conclusion ? 'completed' : (fields.status ?? 'queued'),
    conclusion,
    started_at: now(),
    completed_at: conclusion ? now() : null,
    output: outputOf(fields.output as Resource | undefined),
    pull_requests: [],
  };
}

export function outputOf(output: Resource | undefined): Resource {
  return {
    title: output?.title ?? null,
    summary: output?.summary ?? null,
    text: output?.text ?? null,
    annotations_count: 0,
    annotations_url: 'https://api.github.com/annotations',
  };
}

export function commitStatus(state: EmulatorState, api: string, sha: string, fields: Resource): Resource {
  const id = state.nextId++;
  return fromExample('repos/create-commit-status', 201, {
    id,
    node_id: `SC_${id}`,
    url: `${api}/repos/${state.owner}/${state.repo}/statuses/${sha}`,
    state: fields.state,
    description: fields.description ?? null,
    target_url: fields.target_url ?? null,
    context: fields.context ?? 'default',
    creator: user(state),
    created_at: now(),
    updated_at: now(),
  });
}
