import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promote, registerVersion } from '@modelgate/registry';
import { beforeAll, describe, expect, it } from 'vitest';
import { git, status, useGitSandbox } from '../../registry/test/git-fixture.js';
import { upsertPromotionPullRequest } from '../src/index.js';
import { useEmulator } from './helpers.js';
import { renderedProblems } from './injection.js';

const sandbox = useGitSandbox('github-promotion');
const AS_TEST = ['-c', 'user.name=test', '-c', 'user.email=test@example.com'];

const CODEOWNERS = `* @octo-org/platform
/registry/ @octo-org/ml-leads @alice
/registry/fraud/ @bob @octo-org/risk
`;

describe('the promotion pull request', () => {
  const fx = useEmulator();
  let bare: string;
  let clone: string;
  let registryDir: string;

  async function register(note: string) {
    return registerVersion({
      registryDir,
      name: 'fraud',
      model: await sandbox.artifacts({ model: { note } }),
      push: true,
    });
  }

  beforeAll(async () => {
    const remote = await sandbox.remote();
    bare = remote.bare;
    clone = await remote.clone();
    registryDir = join(clone, 'registry');
    await mkdir(join(clone, '.github'), { recursive: true });
    await writeFile(join(clone, '.github', 'CODEOWNERS'), CODEOWNERS);
    await git(clone, 'add', '.github/CODEOWNERS');
    await git(clone, ...AS_TEST, 'commit', '--quiet', '-m', 'codeowners');
    await git(clone, 'push', '--quiet', 'origin', 'main');
    await register('fraud 1');
  });

  const promoteFraud = () =>
    upsertPromotionPullRequest(fx.client, fx.repo, {
      registryDir,
      model: 'fraud',
      stage: 'staging',
      base: 'main',
    });

  it('pushes the branch, opens one labelled pull request with CODEOWNERS reviewers, and never duplicates it', async () => {
    const headBefore = await git(clone, 'rev-parse', 'HEAD');
    const first = await promoteFraud();
    expect(first).toMatchObject({
      action: 'created',
      pullRequest: 1,
      branch: 'modelgate/promote/fraud/staging',
      branchAction: 'pushed',
      version: 'v1',
      previous: null,
      reviewers: { users: ['bob'], teams: ['risk'] },
      label: 'created',
    });
    const branchHead = (await git(bare, 'rev-parse', 'refs/heads/modelgate/promote/fraud/staging')).trim();
    expect((await git(bare, 'rev-parse', `${branchHead}^`)).trim()).toBe(
      (await git(bare, 'rev-parse', 'main')).trim(),
    );
    expect(await git(bare, 'show', `${branchHead}:registry/fraud/stages.yaml`)).toMatch(/staging: v1/);
    expect(await git(bare, 'diff', '--name-only', `${branchHead}^`, branchHead)).toBe(
      'registry/fraud/stages.yaml\n',
    );

    const pull = fx.gh.state.pulls[0] ?? {};
    expect(pull).toMatchObject({ title: 'modelgate: promote fraud v1 to staging', state: 'open' });
    expect(pull.base).toMatchObject({ ref: 'main' });
    expect(pull.labels).toEqual([expect.objectContaining({ name: 'modelgate:promotion' })]);
    expect((pull.requested_reviewers as { login: string }[]).map((u) => u.login)).toEqual(['bob']);
    expect((pull.requested_teams as { slug: string }[]).map((t) => t.slug)).toEqual(['risk']);
    const body = String(pull.body);
    expect(body).toContain('Moves `staging` of `fraud` to `v1` in `registry/fraud/stages.yaml`.');
    expect(body).toContain('## Model card');
    expect(renderedProblems(body)).toEqual([]);

    const again = await promoteFraud();
    expect(again).toMatchObject({
      action: 'unchanged',
      branchAction: 'unchanged',
      pullRequest: 1,
      label: 'exists',
    });
    expect(fx.gh.state.pulls).toHaveLength(1);
    expect(fx.gh.state.labels).toHaveLength(1);
    expect(fx.gh.requests.filter((r) => r.operationId === 'pulls/request-reviewers')).toHaveLength(1);

    // The local checkout is as it was: same HEAD, clean, no extra worktree or branch.
    expect(await git(clone, 'rev-parse', 'HEAD')).toBe(headBefore);
    expect(await status(clone)).toBe('');
    expect((await git(clone, 'worktree', 'list')).trim().split('\n')).toHaveLength(1);
    expect(await git(clone, 'branch', '--list', 'modelgate/*')).toBe('');
  });

  it('moves the branch to a newer version on the default branch and updates the same pull request', async () => {
    expect(await promoteFraud()).toMatchObject({
      action: 'created',
      version: 'v1',
      branchAction: 'unchanged',
    });
    await register('fraud 2');
    const updated = await promoteFraud();
    expect(updated).toMatchObject({
      action: 'updated',
      version: 'v2',
      branchAction: 'pushed',
      pullRequest: 1,
    });
    expect(fx.gh.state.pulls).toHaveLength(1);
    expect(fx.gh.state.pulls[0]).toMatchObject({ title: 'modelgate: promote fraud v2 to staging' });
    const branchHead = (await git(bare, 'rev-parse', 'refs/heads/modelgate/promote/fraud/staging')).trim();
    expect(await git(bare, 'show', `${branchHead}:registry/fraud/stages.yaml`)).toMatch(/staging: v2/);
    expect((await git(bare, 'rev-parse', `${branchHead}^`)).trim()).toBe(
      (await git(bare, 'rev-parse', 'main')).trim(),
    );
  });

  it('proposes nothing when the default branch already serves the version', async () => {
    await promote({ registryDir, name: 'fraud', stage: 'staging', version: 'v2', push: true });
    const result = await promoteFraud();
    expect(result).toMatchObject({
      action: 'none',
      pullRequest: null,
      reason: 'main already has fraud v2 in staging',
    });
    expect(fx.gh.requests).toEqual([]);
  });
});
