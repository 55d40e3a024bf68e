import { createGitHubClient, type GitHubClient } from '@modelgate/github';
import type { GitHubEmulator } from '../../github/test/emulator/index.js';

/** A client of the emulator, for a test to set the scene the CLI then works in. */
export function clientFor(gh: GitHubEmulator): { client: GitHubClient } {
  return { client: createGitHubClient({ token: 'test', apiUrl: gh.url, retries: 0 }) };
}
