import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useTempDir } from '../../core/test/fixtures.js';
import { type GitHubEmulator, startGitHubEmulator } from '../../github/test/emulator/index.js';
import { webhookExample } from '../../github/test/helpers.js';
import { OUTPUTS } from '../src/action/inputs.js';
import {
  type ActionYaml,
  inputsJson,
  parseOutputFile,
  ROOT_ACTION,
  readAction,
  stageAction,
} from './action-harness.js';
import { PENGUINS_CONFIG, writeProject } from './project-fixture.js';
import { runCli } from './run-cli.js';

const ENTRY = resolve('packages/cli/src/action-entry.ts');
// tsx's loader by URL: the child runs in the project directory, where no node_modules resolve it.
const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
const tmp = useTempDir('action-runner');

const CONFIG = `${PENGUINS_CONFIG}train:
  metric: accuracy
  search: {strategy: random, trials: 2, seed: 3}
  candidates:
    - algorithm: logistic
      params: { l2: { loguniform: [0.001, 10] } }
gate:
  accuracy: { min: 0.5 }
`;

interface RunnerResult {
  code: number | null;
  outputs: Record<string, string>;
  summary: string;
  stdout: string;
  stderr: string;
}

let step = 0;

/**
 * Runs the action's entry in a child process as the runner does for the composite step: the
 * step's env (MODELGATE_COMMAND, MODELGATE_INPUTS = toJSON(inputs)), the event payload file and the
 * file commands, in the workspace. Only PATH and HOME come from this process.
 */
async function runAsRunner(
  action: ActionYaml,
  inputs: Record<string, string>,
  event: { name: string; payload: Record<string, unknown> },
  extraEnv: Record<string, string> = {},
): Promise<RunnerResult> {
  step += 1;
  const outputFile = await tmp.write(`output-${step}`, '');
  const summaryFile = await tmp.write(`summary-${step}.md`, '');
  const eventFile = await tmp.write(`event-${step}.json`, JSON.stringify(event.payload));
  const command = action.runs.steps.find((s) => s.env?.MODELGATE_COMMAND)?.env?.MODELGATE_COMMAND;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_REPOSITORY: 'octo-org/models',
    GITHUB_SHA: 'f'.repeat(40),
    GITHUB_WORKSPACE: project,
    MODELGATE_INPUTS: inputsJson(action, inputs),
    ...(command ? { MODELGATE_COMMAND: command } : {}),
    ...extraEnv,
  };
  const child = spawn(process.execPath, ['--conditions=modelgate-source', '--import', TSX, ENTRY], {
    cwd: project,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return {
    code,
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
    stdout,
    stderr,
  };
}

let project: string;
let gh: GitHubEmulator;

beforeAll(async () => {
  project = await writeProject(tmp.path('project'), CONFIG);
  gh = await startGitHubEmulator({ owner: 'octo-org', repo: 'models' });
  const reference = [
    'profile',
    '--data',
    join(project, 'data', 'penguins.json'),
    '--out',
    join(project, 'reference'),
  ];
  expect((await runCli(reference)).code).toBe(0);
});
afterAll(async () => {
  await gh?.close();
});

describe('each action entry, run as the runner runs it', () => {
  it('pull_request opened: the root action validates', async () => {
    const run = await runAsRunner(
      await readAction(ROOT_ACTION),
      { command: 'validate', data: dataset('penguins.json') },
      { name: 'pull_request', payload: webhookExample('pull_request', 'opened') },
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs[OUTPUTS.exitCode]).toBe('0');
    expect(JSON.parse(run.outputs[OUTPUTS.result] ?? '')).toMatchObject({ rows: 344 });
  }, 120_000);

  it('push: actions/train plans the trial matrix; workflow_dispatch: a matrix job and the collect job', async () => {
    const train = await readAction(stageAction('train'));
    const plan = await runAsRunner(
      train,
      { mode: 'plan' },
      { name: 'push', payload: webhookExample('push') },
    );
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(JSON.parse(plan.outputs[OUTPUTS.matrix] ?? '')).toEqual({ include: [{ id: 0 }, { id: 1 }] });
    expect(plan.outputs[OUTPUTS.modelDir]).toBe('');

    const dispatch = { name: 'workflow_dispatch', payload: webhookExample('workflow_dispatch') };
    const trial = await runAsRunner(train, { mode: 'trial', trial: '0' }, dispatch);
    expect(trial.code, trial.stdout + trial.stderr).toBe(0);
    const collect = await runAsRunner(train, { mode: 'collect' }, dispatch);
    expect(collect.code, collect.stdout + collect.stderr).toBe(0);
    expect(collect.outputs[OUTPUTS.modelDir]).toBe('modelgate-out/model');
    expect(collect.outputs[OUTPUTS.cacheHit]).toBe('false');
    expect(collect.summary).toContain('trial');
  }, 240_000);

  it('pull_request synchronize: actions/evaluate gates, comments on the PR and posts the check', async () => {
    const payload = webhookExample('pull_request', 'synchronize');
    const pr = payload.pull_request as { number: number; head: { sha: string } };
    // The pull request the event is about, opened on the emulated repository.
    const created = await fetch(`${gh.url}/repos/octo-org/models/pulls`, {
      method: 'POST',
      headers: { authorization: 'token test-token', 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'A change', head: 'feature', base: 'main' }),
    });
    pr.number = ((await created.json()) as { number: number }).number;
    const run = await runAsRunner(
      await readAction(stageAction('evaluate')),
      {
        model: 'modelgate-out/model',
        baseline: 'none',
        comment: 'true',
        check: 'true',
        'github-token': 'test-token',
      },
      { name: 'pull_request', payload },
      { GITHUB_API_URL: gh.url },
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs[OUTPUTS.passed]).toBe('true');
    expect(run.outputs[OUTPUTS.report]).toBe('modelgate-out/evaluation/report.md');
    const calls = gh.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(calls).toContain(`POST /repos/octo-org/models/issues/${pr.number}/comments 201`);
    expect(calls).toContain('POST /repos/octo-org/models/check-runs 201');
    const check = gh.requests.find((r) => r.path.endsWith('/check-runs') && r.method === 'POST');
    expect(check?.body).toMatchObject({ head_sha: pr.head.sha });
    expect(gh.violations()).toEqual([]);
  }, 120_000);

  it('schedule: actions/monitor compares with the reference profile and keeps the issue', async () => {
    const push = webhookExample('push');
    const run = await runAsRunner(
      await readAction(stageAction('monitor')),
      {
        model: 'penguins-species#production',
        reference: 'reference/profile.json',
        current: 'data/penguins.json',
        chunk: 'all',
        issue: 'true',
        'github-token': 'test-token',
      },
      // GitHub's schedule payload: the cron line, the repository and the sender.
      {
        name: 'schedule',
        payload: { schedule: '17 6 * * *', repository: push.repository, sender: push.sender },
      },
      { GITHUB_API_URL: gh.url },
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs[OUTPUTS.alert]).toBe('false');
    expect(run.summary).toContain('monitor');
    expect(gh.requests.some((r) => r.method === 'GET' && r.path === '/repos/octo-org/models/issues')).toBe(
      true,
    );
    expect(gh.state.issues).toEqual([]);
    expect(gh.violations()).toEqual([]);
  }, 120_000);

  it('schedule, drifted data: the alert opens the issue and dispatches retraining, without failing', async () => {
    const rows = JSON.parse(await readFile(join(project, 'data', 'penguins.json'), 'utf8')) as Record<
      string,
      unknown
    >[];
    const drifted = rows.map((r) => ({ ...r, 'Body Mass (g)': Number(r['Body Mass (g)'] ?? 0) * 1.6 }));
    await writeFile(join(project, 'drifted.json'), JSON.stringify(drifted));
    const push = webhookExample('push');
    const run = await runAsRunner(
      await readAction(stageAction('monitor')),
      {
        model: 'penguins-species#production',
        reference: 'reference/profile.json',
        current: 'drifted.json',
        chunk: 'all',
        issue: 'true',
        'dispatch-workflow': 'modelgate-pr.yml',
        'github-token': 'test-token',
        // The test before wrote its report into the same out (a runner would start from a fresh checkout).
        force: 'true',
      },
      {
        name: 'schedule',
        payload: { schedule: '17 6 * * *', repository: push.repository, sender: push.sender },
      },
      { GITHUB_API_URL: gh.url },
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs[OUTPUTS.alert]).toBe('true');
    expect(run.outputs[OUTPUTS.exitCode]).toBe('1');
    expect(gh.state.issues).toHaveLength(1);
    expect(String(gh.state.issues[0]?.title)).toContain('penguins-species');
    expect(gh.state.dispatches).toMatchObject([{ kind: 'workflow', target: 'modelgate-pr.yml' }]);
    expect(gh.violations()).toEqual([]);
  }, 120_000);
});
