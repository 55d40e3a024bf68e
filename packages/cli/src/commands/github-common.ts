import { errorMessage, UserError } from '@modelgate/core';
import {
  createGitHubClient,
  type GitHubClient,
  type GitHubContext,
  readGitHubContext,
} from '@modelgate/github';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export interface GitHubFlags {
  token?: string;
  apiUrl?: string;
  repo?: string;
}

export function addGitHubOptions(command: Command): Command {
  return command
    .option('--token <token>', 'GitHub token (default: env GITHUB_TOKEN)')
    .option('--api-url <url>', 'GitHub API URL (default: env GITHUB_API_URL, else https://api.github.com)')
    .option('--repo <owner/name>', 'the repository (default: env GITHUB_REPOSITORY)');
}

export interface GitHubSession {
  client: GitHubClient;
  context: GitHubContext;
}

export function openGitHub(flags: GitHubFlags, ctx: CliContext): GitHubSession {
  const context = readGitHubContext(process.env, flags.repo);
  const client = createGitHubClient({
    ...(flags.token ? { token: flags.token } : {}),
    ...(flags.apiUrl ? { apiUrl: flags.apiUrl } : {}),
    log: (line) => ctx.log(line),
  });
  return { client, context };
}

const PERMISSION_HINT: Record<number, string> = {
  401: 'the token is missing or invalid',
  403: 'the token lacks a permission this needs (see GITHUB.md for the workflow permissions)',
  404: 'no such repository, or the token cannot see it',
};

/** An API failure as one line naming the request and what to do, not a stack. */
export async function withGitHubErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const status = (err as { status?: unknown }).status;
    const request = (err as { request?: { method?: string; url?: string } }).request;
    if (typeof status !== 'number' || !request) throw err;
    const hint = PERMISSION_HINT[status];
    throw new UserError(
      `GitHub API ${request.method ?? ''} ${request.url ?? ''} answered ${status}: ${errorMessage(err).split('\n')[0]}${hint ? ` (${hint})` : ''}.`,
    );
  }
}
