/**
 * A local GitHub REST emulator for tests: a node:http server with in-memory
 * state that validates every request and response against GitHub's official
 * OpenAPI description (@octokit/openapi, api.github.com).
 *
 *   const gh = await startGitHubEmulator({ owner: 'octo', repo: 'models' });
 *   // point the code at gh.url (GITHUB_API_URL / --api-url), any token works
 *   gh.state.pulls / .issues / .comments / .labels / .checkRuns / .statuses / .dispatches
 *   gh.state.failures['checks/create'] = { status: 403, message: '...' }  // inject an error
 *   gh.requests       // every request: method, path, operationId, body, status, response, problems
 *   gh.violations()   // problems across all requests: expect(gh.violations()).toEqual([])
 *   await gh.close()
 *
 * A request to an undocumented route, with an undocumented or mistyped field
 * or parameter (request bodies may carry no field the description lacks) is
 * answered 400 and listed in violations(); a response that does not match the
 * documented schema for its status is answered 500 and listed too. Injected
 * failures skip the response check (GitHub sends statuses it does not document).
 * Routes: see IMPLEMENTED_OPERATIONS (operationIds). The issues list holds only
 * issues that are not pull requests.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkRequest, checkResponse, findOperation } from './openapi.js';
import { IMPLEMENTED_OPERATIONS, type RouteResponse, route } from './routes.js';
import { type EmulatorState, initialState } from './state.js';

export type { Dispatch, EmulatorState, InjectedFailure, Resource } from './state.js';
export { IMPLEMENTED_OPERATIONS };

export interface RecordedRequest {
  method: string;
  path: string;
  operationId: string | null;
  body: unknown;
  status: number;
  response: unknown;
  /** Why the request or its response breaks GitHub's description; empty when both conform. */
  problems: string[];
}

export interface GitHubEmulator {
  /** The API base URL, e.g. http://127.0.0.1:41234 (what GITHUB_API_URL would be). */
  url: string;
  state: EmulatorState;
  requests: RecordedRequest[];
  violations(): string[];
  close(): Promise<void>;
}

export interface EmulatorOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
}

async function readBody(req: IncomingMessage): Promise<{ body: unknown; problem?: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return { body: undefined };
  try {
    return { body: JSON.parse(text) };
  } catch {
    return { body: text, problem: 'request body is not JSON' };
  }
}

const problemResponse = (status: number, problems: string[]): RouteResponse => ({
  status,
  body: { message: `emulator: ${problems.join(' | ')}`, documentation_url: 'https://docs.github.com/rest' },
});

export async function startGitHubEmulator(options: EmulatorOptions = {}): Promise<GitHubEmulator> {
  const state = initialState(
    options.owner ?? 'octo-org',
    options.repo ?? 'models',
    options.defaultBranch ?? 'main',
  );
  const requests: RecordedRequest[] = [];
  let api = '';

  const handle = async (
    req: IncomingMessage,
  ): Promise<{ response: RouteResponse; record: RecordedRequest }> => {
    const url = new URL(req.url ?? '/', api);
    const method = req.method ?? 'GET';
    const { body, problem } = await readBody(req);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      operationId: null,
      body,
      status: 0,
      response: undefined,
      problems: problem ? [problem] : [],
    };
    const op = findOperation(method, url.pathname);
    if (!op) {
      record.problems.push(`${method} ${url.pathname} is not in GitHub's REST API description`);
      return { response: problemResponse(404, record.problems), record };
    }
    record.operationId = op.operationId;
    const repoParams = op.params.owner === state.owner && op.params.repo === state.repo;
    if (op.params.owner !== undefined && !repoParams) {
      return {
        response: {
          status: 404,
          body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
        },
        record,
      };
    }
    record.problems.push(...checkRequest(op, url.searchParams, body));
    if (record.problems.length > 0) return { response: problemResponse(400, record.problems), record };
    const failure = state.failures[op.operationId];
    if (failure) {
      return {
        response: {
          status: failure.status,
          body: { message: failure.message, documentation_url: 'https://docs.github.com/rest' },
        },
        record,
      };
    }
    const handler = route(op.operationId);
    if (!handler) {
      record.problems.push(`the emulator does not implement ${op.operationId}`);
      return { response: problemResponse(501, record.problems), record };
    }
    const response = handler(state, {
      op,
      query: url.searchParams,
      body: (body ?? {}) as Record<string, unknown>,
      api,
      path: `${url.pathname}${url.search}`,
    });
    const responseProblems = checkResponse(op, response.status, response.body);
    if (responseProblems.length > 0) {
      record.problems.push(...responseProblems);
      return { response: problemResponse(500, record.problems), record };
    }
    return { response, record };
  };

  const server = createServer((req, res) => {
    handle(req).then(
      ({ response, record }) => {
        record.status = response.status;
        record.response = response.body;
        requests.push(record);
        const payload = response.body === undefined ? '' : JSON.stringify(response.body);
        res.writeHead(response.status, {
          ...(payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
          ...response.headers,
        });
        res.end(payload);
      },
      (err: unknown) => {
        requests.push({
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          operationId: null,
          body: undefined,
          status: 500,
          response: undefined,
          problems: [`emulator crashed: ${err instanceof Error ? err.stack : String(err)}`],
        });
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: api,
    state,
    requests,
    violations: () => requests.flatMap((r) => r.problems.map((p) => `${r.method} ${r.path}: ${p}`)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
