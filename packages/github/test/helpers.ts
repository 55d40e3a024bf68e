import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import type { TempDir } from '../../core/test/fixtures.js';
import { createGitHubClient, type GitHubClient } from '../src/index.js';
import { type GitHubEmulator, startGitHubEmulator } from './emulator/index.js';

interface WebhookDefinition {
  name: string;
  examples: Record<string, unknown>[];
}

/** An example payload of GitHub's webhook event `name` (with `action`), from @octokit/webhooks-examples. */
export function webhookExample(name: string, action?: string): Record<string, unknown> {
  const require = createRequire(import.meta.url);
  const definitions = require('@octokit/webhooks-examples') as WebhookDefinition[];
  const examples = definitions.find((d) => d.name === name)?.examples ?? [];
  const found = examples.find((e) => action === undefined || e.action === action);
  if (!found) throw new Error(`no ${name} ${action ?? ''} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}

export interface EmulatorFixture {
  readonly gh: GitHubEmulator;
  readonly client: GitHubClient;
  readonly repo: { owner: string; repo: string };
}

/** A fresh emulator per test; after each test, every request and response must have conformed. */
export function useEmulator(): EmulatorFixture {
  let gh: GitHubEmulator | undefined;
  let client: GitHubClient | undefined;
  beforeEach(async () => {
    gh = await startGitHubEmulator({ owner: 'octo-org', repo: 'models' });
    client = createGitHubClient({ token: 'test-token', apiUrl: gh.url, retries: 0 });
  });
  afterEach(async () => {
    const violations = gh?.violations() ?? [];
    await gh?.close();
    expect(violations).toEqual([]);
  });
  return {
    get gh() {
      if (!gh) throw new Error('useEmulator(): the emulator starts in beforeEach');
      return gh;
    },
    get client() {
      if (!client) throw new Error('useEmulator(): the client is made in beforeEach');
      return client;
    },
    repo: { owner: 'octo-org', repo: 'models' },
  };
}

/** The runner's environment for a pull_request event: the payload file, repository, API URL and token. */
export async function stubPullRequestEnv(
  tmp: TempDir,
  gh: GitHubEmulator,
  edit: (pr: Record<string, unknown>) => void = () => undefined,
): Promise<Record<string, unknown>> {
  const payload = webhookExample('pull_request', 'synchronize');
  const pr = payload.pull_request as Record<string, unknown>;
  edit(pr);
  const path = await tmp.write(`event-${Math.random().toString(36).slice(2)}.json`, JSON.stringify(payload));
  vi.stubEnv('GITHUB_EVENT_NAME', 'pull_request');
  vi.stubEnv('GITHUB_EVENT_PATH', path);
  vi.stubEnv('GITHUB_REPOSITORY', `${gh.state.owner}/${gh.state.repo}`);
  vi.stubEnv('GITHUB_API_URL', gh.url);
  vi.stubEnv('GITHUB_TOKEN', 'test-token');
  vi.stubEnv('GITHUB_SHA', 'f'.repeat(40));
  return payload;
}

export interface EvaluationFiles {
  model?: string;
  verdict?: 'pass' | 'fail';
  summary?: string;
  report?: string;
  rules?: { metric: string; rule: string; status: 'pass' | 'fail' | 'skipped'; reason: string }[];
}

/** An evaluation directory as 'modelgate evaluate --out' writes it (the fields GitHub reads). */
export async function writeEvaluationDir(
  tmp: TempDir,
  name: string,
  files: EvaluationFiles = {},
): Promise<string> {
  const dir = tmp.path(name);
  await mkdir(dir, { recursive: true });
  const verdict = files.verdict ?? 'pass';
  const doc = {
    version: 1,
    model: files.model ?? 'penguins-species',
    verdict,
    gate: {
      pass: verdict === 'pass',
      champion: true,
      summary: files.summary ?? `${verdict}: 1 of 1 rules ${verdict === 'pass' ? 'pass' : 'fail'}`,
      rules: files.rules ?? [
        {
          metric: 'accuracy',
          rule: 'min',
          threshold: 0.8,
          status: verdict,
          reason: 'accuracy 0.95 vs min 0.8',
        },
      ],
    },
    challenger: { label: 'train-out/model.onnx' },
    champion: { label: 'penguins-species@v1' },
  };
  await writeFile(join(dir, 'evaluation.json'), JSON.stringify(doc));
  await writeFile(join(dir, 'report.md'), files.report ?? `## Evaluation\n\nVerdict: ${verdict}\n`);
  return dir;
}
