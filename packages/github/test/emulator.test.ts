import { describe, expect, it } from 'vitest';
import { useEmulator } from './helpers.js';

const json = (body: unknown) => ({
  headers: { 'content-type': 'application/json', authorization: 'token t' },
  body: JSON.stringify(body),
});

describe('the GitHub REST emulator', () => {
  const fx = useEmulator();

  /** Sends a request by hand; returns the status and the problems recorded; clears them for afterEach. */
  async function send(method: string, path: string, body?: unknown) {
    const response = await fetch(`${fx.gh.url}${path}`, {
      method,
      ...(body === undefined ? {} : json(body)),
    });
    const recorded = fx.gh.requests.at(-1);
    fx.gh.requests.length = 0;
    return { status: response.status, problems: recorded?.problems ?? [] };
  }

  it('accepts a documented request and answers with a documented response', async () => {
    const { data } = await fx.client.rest.issues.create({ ...fx.repo, title: 'drift', body: 'x' });
    expect(data.number).toBe(1);
    const comment = await fx.client.rest.issues.createComment({ ...fx.repo, issue_number: 1, body: 'hello' });
    expect(comment.data.body).toBe('hello');
    expect(fx.gh.requests.map((r) => r.operationId)).toEqual(['issues/create', 'issues/create-comment']);
    expect(fx.gh.violations()).toEqual([]);
  });

  it('rejects a misspelt field, a mistyped field and a missing required field of a request body', async () => {
    await fx.client.rest.issues.create({ ...fx.repo, title: 'drift' });
    const misspelt = await send('POST', '/repos/octo-org/models/issues/1/comments', { bdy: 'hello' });
    expect(misspelt.status).toBe(400);
    expect(misspelt.problems.join('\n')).toMatch(
      /must NOT have additional properties.*bdy|must have required property 'body'/,
    );
    const mistyped = await send('POST', '/repos/octo-org/models/issues/1/comments', { body: 42 });
    expect(mistyped.problems.join('\n')).toMatch(/\/body must be string/);
    const wrongEnum = await send('POST', '/repos/octo-org/models/check-runs', {
      name: 'x',
      head_sha: 'a'.repeat(40),
      conclusion: 'passed',
    });
    expect(wrongEnum.problems.join('\n')).toMatch(/conclusion must be equal to one of the allowed values/);
  });

  it('rejects a route GitHub does not have, and a mistyped path or query parameter', async () => {
    const route = await send('POST', '/repos/octo-org/models/pulls/1/comments/labels', {});
    expect(route.status).toBe(404);
    expect(route.problems.join('\n')).toMatch(/not in GitHub's REST API description/);
    const path = await send('GET', '/repos/octo-org/models/issues/one/comments');
    expect(path.problems.join('\n')).toMatch(/path parameter issue_number=one/);
    const query = await send('GET', '/repos/octo-org/models/issues?state=opened');
    expect(query.problems.join('\n')).toMatch(/query parameter state=opened/);
    const unknown = await send('GET', '/repos/octo-org/models/issues?colour=red');
    expect(unknown.problems).toEqual(['undocumented query parameter colour']);
  });

  it('refuses to send a response that breaks the documented schema', async () => {
    const { data } = await fx.client.rest.issues.create({ ...fx.repo, title: 'drift' });
    const stored = fx.gh.state.issues.find((i) => i.number === data.number);
    if (!stored) throw new Error('no issue');
    stored.number = 'one';
    const listed = await send('GET', '/repos/octo-org/models/issues');
    expect(listed.status).toBe(500);
    expect(listed.problems.join('\n')).toMatch(/response body \(200\): \/0\/number must be integer/);
  });

  it('pages lists with Link headers that octokit follows', async () => {
    await fx.client.rest.issues.create({ ...fx.repo, title: 'drift' });
    for (let i = 0; i < 7; i++) {
      await fx.client.rest.issues.createComment({ ...fx.repo, issue_number: 1, body: `c${i}` });
    }
    const all = await fx.client.paginate(fx.client.rest.issues.listComments, {
      ...fx.repo,
      issue_number: 1,
      per_page: 3,
    });
    expect(all.map((c) => c.body)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(fx.gh.requests.filter((r) => r.operationId === 'issues/list-comments')).toHaveLength(3);
  });

  it('answers with an injected failure', async () => {
    fx.gh.state.failures['checks/create'] = {
      status: 403,
      message: 'Resource not accessible by integration',
    };
    await expect(
      fx.client.rest.checks.create({ ...fx.repo, name: 'x', head_sha: 'a'.repeat(40) }),
    ).rejects.toMatchObject({ status: 403 });
  });
});
