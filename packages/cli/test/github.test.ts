import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type GitHubEmulator, startGitHubEmulator } from '../../github/test/emulator/index.js';
import { stubPullRequestEnv } from '../../github/test/helpers.js';
import { useGitSandbox } from '../../registry/test/git-fixture.js';
import { clientFor } from './github-client.js';
import { PENGUINS_CONFIG, writeProject } from './project-fixture.js';
import { runCli } from './run-cli.js';

const sandbox = useGitSandbox('cli-github');
const PASSING_GATE = 'gate:\n  accuracy: {min: 0.5}\n';
const SETTINGS =
  'evaluate:\n  bootstrap: {resamples: 50}\n  latency: {runs: 5, warmup: 1}\n  throughput: {batch_rows: 50, runs: 1}\n';
const TRAIN = 'train:\n  candidates:\n    - algorithm: logistic\n';

describe('modelgate github', () => {
  let root: string;
  let gh: GitHubEmulator;

  beforeAll(async () => {
    root = await writeProject(
      await (await sandbox.remote()).clone(),
      PENGUINS_CONFIG + TRAIN + PASSING_GATE + SETTINGS,
    );
    for (const argv of [
      ['split', '--out', 'splits'],
      ['train', '--splits', 'splits', '--out', 'logistic'],
      ['evaluate', '--model', 'logistic', '--splits', 'splits', '--out', 'eval'],
    ]) {
      const { code, stderr } = await runCli(argv, { cwd: root });
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    const violations = gh.violations();
    await gh.close();
    expect(violations).toEqual([]);
  });

  const json = async (argv: string[]) => {
    const run = await runCli(['--json', ...argv], { cwd: root });
    return { ...run, data: run.code === 0 ? JSON.parse(run.stdout) : null };
  };

  it('comments the evaluation on the pull request once, and publishes the gate on its head commit', async () => {
    gh = await startGitHubEmulator({ owner: 'octo-org', repo: 'models' });
    const payload = await stubPullRequestEnv(sandbox.tmp, gh, (pr) => {
      pr.number = 1;
      pr.title = '@octo-org/admins <script>alert(1)</script>';
    });
    const head = (payload.pull_request as { head: { sha: string } }).head.sha;
    const opened = await runCli(['github', 'comment', '--evaluation', 'eval'], { cwd: root });
    // The emulator has no pull request #1 yet: GitHub answers 404, which the CLI turns into one line.
    expect(opened.code).toBe(2);
    expect(opened.stderr).toMatch(/GitHub API POST .*\/issues\/1\/comments answered 404/);
    gh.requests.length = 0;

    const { client } = clientFor(gh);
    await client.rest.pulls.create({
      owner: 'octo-org',
      repo: 'models',
      title: 't',
      head: 'feature',
      base: 'main',
    });
    const first = await json(['github', 'comment', '--evaluation', 'eval', '--model', 'penguins-species']);
    expect(first.code).toBe(0);
    expect(first.data).toMatchObject({
      action: 'created',
      pullRequest: 1,
      verdict: 'pass',
      model: 'penguins-species',
    });
    const second = await json(['github', 'comment', '--evaluation', 'eval']);
    expect(second.data).toMatchObject({ action: 'unchanged', commentId: first.data.commentId });
    expect(gh.state.comments).toHaveLength(1);
    expect(String(gh.state.comments[0]?.body)).toContain(
      '<!-- modelgate:evaluation model=penguins%2Dspecies -->',
    );

    const check = await runCli(['github', 'check', '--evaluation', 'eval'], { cwd: root });
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(check.stdout).toBe(
      `Check run 'modelgate/penguins-species gate' created: success on ${head.slice(0, 7)}.\n`,
    );
    expect(gh.state.checkRuns).toEqual([expect.objectContaining({ head_sha: head, conclusion: 'success' })]);
  });

  it('does nothing outside a pull request, and asks for what it needs', async () => {
    gh = await startGitHubEmulator();
    vi.stubEnv('GITHUB_EVENT_PATH', '');
    const outside = await runCli(['github', 'comment', '--evaluation', 'eval'], { cwd: root });
    expect(outside).toMatchObject({ code: 0, stderr: '' });
    expect(outside.stdout).toMatch(/^Not in a pull request .*no evaluation comment posted\.\n$/);
    const missing = await runCli(['github', 'check'], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--evaluation <dir>: required/);
    const noModel = await runCli(['github', 'promotion-pr', '--stage', 'staging'], { cwd: root });
    expect(noModel.stderr).toMatch(/--model <name>: required/);
    expect(gh.requests).toEqual([]);
  });

  it('opens the promotion pull request from the registry, against the default branch, once', async () => {
    gh = await startGitHubEmulator({ owner: 'octo-org', repo: 'models' });
    const registered = await runCli(['register', '--model', 'logistic', '--push'], { cwd: root });
    expect(registered.code).toBe(0);
    const common = ['--repo', 'octo-org/models', '--api-url', gh.url, '--token', 't'];
    const argv = ['github', 'promotion-pr', '--model', 'penguins-species', '--stage', 'staging', ...common];
    const first = await json(argv);
    expect(first.stderr).toBe('');
    expect(first.data).toMatchObject({
      action: 'created',
      pullRequest: 1,
      version: 'v1',
      branchAction: 'pushed',
    });
    expect(gh.requests[0]?.operationId).toBe('repos/get');
    const again = await runCli(argv, { cwd: root });
    expect(again.stdout).toMatch(
      /^Promotion pull request #1 unchanged \(penguins-species v1 to staging, branch modelgate\/promote\/penguins-species\/staging unchanged\)/,
    );
    expect(gh.state.pulls).toHaveLength(1);
  });

  it('opens, updates and closes the monitoring issue, dispatching retraining once', async () => {
    gh = await startGitHubEmulator({ owner: 'octo-org', repo: 'models' });
    const write = async (name: string, alerts: { kind: string; message: string }[]) => {
      const dir = join(root, name);
      await mkdir(dir, { recursive: true });
      const verdict = { alert: alerts.length > 0, headline: `${alerts.length} alerts`, alerts };
      await writeFile(join(dir, 'monitor.json'), JSON.stringify({ format: 'modelgate.monitor/1', verdict }));
      return name;
    };
    const drift = await write('mon-drift', [
      { kind: 'dataset_drift', message: 'dataset drift: 3 of 7 columns' },
    ]);
    const clear = await write('mon-clear', []);
    const common = [
      '--model',
      'penguins-species',
      '--repo',
      'octo-org/models',
      '--api-url',
      gh.url,
      '--token',
      't',
    ];
    const retrain = ['--dispatch-workflow', 'retrain.yml', '--ref', 'main'];
    const opened = await json(['github', 'monitor-issue', '--monitor', drift, ...common, ...retrain]);
    expect(opened.data).toMatchObject({
      action: 'created',
      issue: 1,
      dispatched: { kind: 'workflow', workflow: 'retrain.yml' },
    });
    const still = await json(['github', 'monitor-issue', '--monitor', drift, ...common, ...retrain]);
    expect(still.data).toMatchObject({ action: 'unchanged', issue: 1, dispatched: null });
    const closed = await runCli(['github', 'monitor-issue', '--monitor', clear, ...common], { cwd: root });
    expect(closed.stdout).toMatch(/^Monitoring issue #1 closed \(0 alerts\)/);
    expect(gh.state.dispatches).toHaveLength(1);
    const both = await runCli(
      ['github', 'monitor-issue', '--monitor', drift, ...common, ...retrain, '--dispatch-event', 'x'],
      { cwd: root },
    );
    expect(both.code).toBe(2);
  });
});
