import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { quote, UserError } from '@modelgate/core';

/** Where commits and pull requests of the registry's repository can be linked to. */
export interface RepositoryLinks {
  /** e.g. https://github.com/acme/models */
  url: string;
}

const OWNER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*)\/[A-Za-z0-9._-]+$/;
const SERVER = /^https?:\/\/[A-Za-z0-9.-]+(?::\d+)?$/;

function links(server: string, ownerName: string): RepositoryLinks {
  return { url: `${server.replace(/\/+$/, '')}/${ownerName.replace(/\.git$/, '')}` };
}

/** `owner/name` or `https://host/owner/name`, as --repository takes it. */
export function parseRepository(value: string, flag = '--repository'): RepositoryLinks {
  if (OWNER_NAME.test(value)) return links('https://github.com', value);
  const match = /^(https?:\/\/[^/]+)\/([^/]+\/[^/]+?)\/?$/.exec(value);
  if (match?.[1] && match[2] && SERVER.test(match[1]) && OWNER_NAME.test(match[2]))
    return links(match[1], match[2]);
  throw new UserError(`${flag} ${quote(value)}: expected owner/name or https://github.com/owner/name.`);
}

/** A GitHub remote URL (https or ssh) as links; undefined for anything else. */
export function repositoryOfRemote(remote: string): RepositoryLinks | undefined {
  const https = /^https:\/\/(?:[^@/]+@)?(github\.com)\/([^/]+\/[^/]+?)(?:\.git)?\/?$/.exec(remote);
  const ssh = /^(?:ssh:\/\/)?git@(github\.com)[:/]([^/]+\/[^/]+?)(?:\.git)?$/.exec(remote);
  const found = https ?? ssh;
  if (!found?.[2] || !OWNER_NAME.test(found[2])) return undefined;
  return links(`https://${found[1]}`, found[2]);
}

/**
 * The repository to link to: the one GitHub Actions runs in, else the registry
 * checkout's `origin` when it is on GitHub; null when neither says.
 */
export async function detectRepository(
  registryDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RepositoryLinks | null> {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY } = env;
  if (GITHUB_REPOSITORY && OWNER_NAME.test(GITHUB_REPOSITORY)) {
    const server =
      GITHUB_SERVER_URL && SERVER.test(GITHUB_SERVER_URL) ? GITHUB_SERVER_URL : 'https://github.com';
    return links(server, GITHUB_REPOSITORY);
  }
  const remote = await promisify(execFile)('git', ['remote', 'get-url', 'origin'], { cwd: registryDir }).then(
    (out) => out.stdout.trim(),
    () => '',
  );
  return repositoryOfRemote(remote) ?? null;
}

export const commitUrl = (repo: RepositoryLinks, sha: string): string | null =>
  /^[0-9a-f]{7,64}$/.test(sha) ? `${repo.url}/commit/${sha}` : null;

export const pullUrl = (repo: RepositoryLinks, pr: number): string => `${repo.url}/pull/${pr}`;
