import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { git, useGitSandbox } from '../../registry/test/git-fixture.js';
import { runCli } from './run-cli.js';

const sandbox = useGitSandbox('cli-registry');

describe('modelgate register, promote and registry', () => {
  let repo: string;
  let v1: string;
  let v2: string;
  beforeAll(async () => {
    repo = await sandbox.repo();
    await writeFile(
      join(repo, 'modelgate.yaml'),
      'model: penguins\ntask: multiclass\ntarget: species\ndata: d.csv\n',
    );
    v1 = await sandbox.artifacts({
      model: { note: '1' },
      'evaluation.json': { metrics: { accuracy: 0.9, log_loss: 0.3 } },
      'metadata.json': { classes: ['Adelie', 'Gentoo'], params: { max_leaves: 8 } },
    });
    v2 = await sandbox.artifacts({
      model: { note: '2' },
      'evaluation.json': { metrics: { accuracy: 0.95, log_loss: 0.2 } },
      'metadata.json': { classes: ['Adelie', 'Gentoo'], params: { max_leaves: 16 } },
    });
  });

  it('registers under the config model name, recording the config hash', async () => {
    const first = await runCli(['register', '--model', v1], { cwd: repo });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^registered penguins v1: model\.onnx \d+ B, sha256 [0-9a-f]{12}…\n/);
    expect(first.stdout).toContain('registry/penguins/versions/v1');
    expect(first.stdout).toMatch(/commit [0-9a-f]{7} \(not pushed\)/);
    const json = await runCli(['--json', 'register', '--model', join(v2, 'model.onnx')], { cwd: repo });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ name: 'penguins', version: 'v2', created: true });
    const again = await runCli(['register', '--model', v1, '--name', 'penguins'], { cwd: repo });
    expect(again.stdout).toMatch(/^penguins v1 already holds this model .*; nothing to do\./);
    const shown = await runCli(['--json', 'registry', 'show', 'penguins@v1'], { cwd: repo });
    expect(JSON.parse(shown.stdout).metadata.configHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('promotes in stage order and exits 2 on what the rules refuse', async () => {
    const refused = await runCli(['promote', 'penguins@v1', '--to', 'production'], { cwd: repo });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/production takes versions that passed staging/);
    const staged = await runCli(['promote', 'penguins@v1', '--to', 'staging'], { cwd: repo });
    expect(staged.code).toBe(0);
    expect(staged.stdout).toMatch(
      /^promoted penguins v1 to staging\n {2}commit [0-9a-f]{7} \(not pushed\)\n$/,
    );
    const prod = await runCli(['promote', 'penguins#staging', '--to', 'production'], { cwd: repo });
    expect(prod.stdout).toMatch(/^promoted penguins v1 to production\n/);
    await runCli(['promote', 'penguins', '--to', 'staging'], { cwd: repo });
    const noop = await runCli(['promote', 'penguins', '--to', 'staging'], { cwd: repo });
    expect(noop.stdout).toBe('staging already serves penguins v2; nothing to do.\n');
    const unknown = await runCli(['promote', 'penguins@v9', '--to', 'staging'], { cwd: repo });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('modelgate: error: penguins has no version v9.\n');
    const badName = await runCli(['register', '--model', v1, '--name', '../up'], { cwd: repo });
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/Invalid model name "\.\.\/up"/);
  });

  it('lists models and versions as tables', async () => {
    const models = await runCli(['registry', 'ls'], { cwd: repo });
    expect(models.stdout).toBe(
      'model     versions  latest  staging  production\npenguins         2  v2      v2       v1\n',
    );
    const versions = await runCli(['registry', 'ls', 'penguins'], { cwd: repo });
    const lines = versions.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^version\s+registered\s+size\s+sha256\s+stages\s+accuracy\s+log_loss\s+status$/,
    );
    expect(lines[1]).toMatch(
      /^v1\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\d+ B\s+[0-9a-f]{12}\s+production\s+0\.9\s+0\.3$/,
    );
    expect(lines[2]).toMatch(/^v2\s+.*\sstaging\s+0\.95\s+0\.2$/);
  });

  it('shows a version by stage, with signature, classes and metrics', async () => {
    const { code, stdout } = await runCli(['registry', 'show', 'penguins#production'], { cwd: repo });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^penguins v1 {2}\(production\)\n/);
    expect(stdout).toMatch(/\n {2}input\s+x\s+float32\s+\[N, 3\]\n/);
    expect(stdout).toContain('\nclasses  Adelie, Gentoo\n');
    expect(stdout).toMatch(/\nmetrics\n {2}accuracy\s+0\.9\n {2}log_loss\s+0\.3\n/);
    const missing = await runCli(['registry', 'show', 'nope'], { cwd: repo });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No model 'nope'.*Models: penguins/);
  });

  it('diffs two versions side by side', async () => {
    const { stdout } = await runCli(['registry', 'diff', 'penguins@v1', 'v2'], { cwd: repo });
    expect(stdout).toMatch(/^penguins v1 vs penguins v2: \d+ of \d+ fields differ\n/);
    expect(stdout).toMatch(/\nmetrics\s+accuracy\s+0\.9\s+0\.95\s+\+0\.05\n/);
    expect(stdout).toMatch(/\nparams\s+max_leaves\s+8\s+16\s+changed\n/);
    expect(stdout).toMatch(/\nmodel\s+parent\s+-\s+v1\s+changed\n/);
  });

  it('history of a model it never had is a mistyped name, exit 2, as for ls', async () => {
    const history = await runCli(['registry', 'history', 'penguin'], { cwd: repo });
    expect(history.code).toBe(2);
    expect(history.stderr).toMatch(
      /^modelgate: error: No model 'penguin' in .*registry\. Models: penguins\.\n$/,
    );
  });

  it('history in a repository with no commit yet is an empty registry, not an internal error', async () => {
    const empty = sandbox.tmp.path('no-commits');
    await mkdir(empty, { recursive: true });
    await git(empty, 'init', '--quiet', '.');
    const history = await runCli(['registry', 'history', 'penguins', '--registry', `${empty}/registry`]);
    expect({ code: history.code, stderr: history.stderr }).toEqual({
      code: 2,
      stderr: expect.stringMatching(/^modelgate: error: No model 'penguins' in .*The registry is empty/),
    });
  });

  it('rolls back, archives and tells the history', async () => {
    const back = await runCli(['registry', 'rollback', 'penguins', '--stage', 'staging'], { cwd: repo });
    expect(back.stdout).toMatch(/^rolled back penguins v1 to staging \(was v2\)\n/);
    const archived = await runCli(['registry', 'archive', 'penguins@v2', '--reason', 'worse on Gentoo'], {
      cwd: repo,
    });
    expect(archived.stdout).toMatch(/^archived penguins v2\n/);
    const notVersion = await runCli(['registry', 'archive', 'penguins'], { cwd: repo });
    expect(notVersion.code).toBe(2);
    const { stdout } = await runCli(['registry', 'history', 'penguins'], { cwd: repo });
    const changes = stdout
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/\s{2,}/)[1]);
    expect(changes).toEqual([
      'archived v2',
      'staging: v2 -> v1',
      'staging: v1 -> v2',
      'production: v1',
      'staging: v1',
      'registered v2',
      'registered v1',
    ]);
    expect(stdout).toMatch(/\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+archived v2\s+modelgate\s+[0-9a-f]{7}\n/);
  });

  it('verifies: exit 0 when intact, exit 1 naming the tampered file', async () => {
    const ok = await runCli(['registry', 'verify'], { cwd: repo });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('registry: 1 models, 2 versions, 6 files checked: ok\n');
    await appendFile(join(repo, 'registry/penguins/versions/v1/model.onnx'), 'x');
    const bad = await runCli(['registry', 'verify'], { cwd: repo });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      /1 errors, 0 warnings\nlevel\s+path\s+problem\nerror\s+penguins\/versions\/v1\/model\.onnx\s+sha256/,
    );
    await git(repo, 'checkout', '--', 'registry');
  });
});
