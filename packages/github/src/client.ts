import { getOctokit } from '@actions/github';
import { UserError } from '@modelgate/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type GitHubClient = ReturnType<typeof getOctokit>;

export const DEFAULT_API_URL = 'https://api.github.com';

export interface ClientOptions {
  /** Default: GITHUB_TOKEN. */
  token?: string;
  /** Default: GITHUB_API_URL (GitHub Enterprise Server sets it), else api.github.com. */
  apiUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Retries of a failed request (default 3; tests pass 0). */
  retries?: number;
  log?: (line: string) => void;
}

/** GitHub spaces writes about a second apart against its secondary limits; a local server needs no such care. */
function isLoopback(apiUrl: string): boolean {
  try {
    return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(apiUrl).hostname);
  } catch {
    return false;
  }
}

/** An octokit with retries and rate-limit handling: it waits out limits a couple of times, then gives up. */
export function createGitHubClient(options: ClientOptions = {}): GitHubClient {
  const env = options.env ?? process.env;
  const token = options.token ?? env.GITHUB_TOKEN;
  if (!token) {
    throw new UserError(
      '--token: no GitHub token. Pass --token or set GITHUB_TOKEN (in a workflow, set GITHUB_TOKEN from the github.token context).',
    );
  }
  const log = options.log ?? (() => undefined);
  const retries = options.retries ?? 3;
  const baseUrl = (options.apiUrl ?? env.GITHUB_API_URL ?? DEFAULT_API_URL).replace(/\/+$/, '');
  return getOctokit(
    token,
    {
      baseUrl,
      request: { retries },
      retry: { enabled: retries > 0 },
      throttle: {
        enabled: !isLoopback(baseUrl),
        onRateLimit: (after: number, opts: { method: string; url: string }, _o: unknown, count: number) => {
          log(`GitHub rate limit on ${opts.method} ${opts.url}; retrying in ${after}s`);
          return count < 2;
        },
        onSecondaryRateLimit: (
          after: number,
          opts: { method: string; url: string },
          _o: unknown,
          count: number,
        ) => {
          log(`GitHub secondary rate limit on ${opts.method} ${opts.url}; retrying in ${after}s`);
          return count < 2;
        },
      },
    },
    retry,
    throttling,
  );
}
