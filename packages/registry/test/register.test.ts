import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUserError } from '../../core/test/fixtures.js';
import { parseMetadata, registerVersion } from '../src/index.js';
import { git, log, status, useGitSandbox } from './git-fixture.js';
import { makeOnnxModel } from './onnx-fixture.js';

const sandbox = useGitSandbox('registry-register');

const TRAINING_METADATA = {
  task: 'multiclass',
  target: 'species',
  classes: ['Adelie', 'Chinstrap', 'Gentoo'],
  algorithm: 'gbdt',
  params: { learning_rate: 0.1, max_leaves: 31, early_stopping: true, ignored: [1, 2] },
  metrics: { validation: { log_loss: 0.21 } },
  data: { train: { sha256: 'a'.repeat(64), rows: 241, columns: 7, files: [] } },
  configHash: 'c'.repeat(64),
  seed: 42,
  spec: {
    task: 'multiclass',
    target: 'species',
    features: ['bill', 'flipper', 'mass', 'year'].map((name) => ({ name, kind: 'numeric' })),
    classes: ['Adelie', 'Chinstrap', 'Gentoo'],
  },
};

const FIXED_NOW = () => new Date('2024-05-01T12:00:00.000Z');

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

describe('registerVersion', () => {
  it('adds a version with metadata, evaluation, reference profile and card in one commit', async () => {
    const repo = await sandbox.repo();
    const head = (await git(repo, 'rev-parse', 'HEAD')).trim();
    const out = await sandbox.artifacts({
      model: { features: 4 },
      'metadata.json': TRAINING_METADATA,
      'evaluation.json': { metrics: { accuracy: 0.97, log_loss: 0.12 } },
      'reference-profile.json': { columns: [] },
      'trials.csv': 'ignored',
    });
    const result = await registerVersion({
      registryDir: join(repo, 'registry'),
      name: 'penguins',
      model: out,
      now: FIXED_NOW,
      env: {
        GITHUB_ACTIONS: 'true',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'acme/models',
        GITHUB_RUN_ID: '77',
      },
    });
    expect(result).toMatchObject({
      name: 'penguins',
      version: 'v1',
      created: true,
      storage: 'git',
      tags: [],
    });
    const dir = join(repo, 'registry', 'penguins', 'versions', 'v1');
    expect((await readdir(dir)).sort()).toEqual([
      'card.md',
      'evaluation.json',
      'metadata.json',
      'model.onnx',
      'reference-profile.json',
    ]);
    const metadata = parseMetadata(await readFile(join(dir, 'metadata.json'), 'utf8'), 'metadata.json');
    expect(metadata).toMatchObject({
      name: 'penguins',
      version: 'v1',
      createdAt: '2024-05-01T12:00:00.000Z',
      model: { file: 'model.onnx', sha256: result.sha256, bytes: result.bytes, storage: 'git' },
      signature: {
        inputs: [{ name: 'x', type: 'float32', shape: [-1, 4] }],
        outputs: [{ name: 'y', type: 'float32', shape: [-1, 4] }],
      },
      onnx: { irVersion: 8, producer: 'modelgate-test', opsets: { '': 17 } },
      task: 'multiclass',
      target: 'species',
      classes: ['Adelie', 'Chinstrap', 'Gentoo'],
      trainer: 'gbdt',
      metrics: { 'validation.log_loss': 0.21, accuracy: 0.97, log_loss: 0.12 },
      params: { learning_rate: 0.1, max_leaves: 31, early_stopping: true },
      data: TRAINING_METADATA.data,
      code: { commit: head },
      configHash: 'c'.repeat(64),
      parent: null,
      ciRun: 'https://github.com/acme/models/actions/runs/77',
      training: { seed: 42, spec: TRAINING_METADATA.spec },
    });
    expect(Object.keys(metadata.files).sort()).toEqual([
      'card.md',
      'evaluation.json',
      'reference-profile.json',
    ]);
    const card = await readFile(join(dir, 'card.md'), 'utf8');
    expect(card).toContain('# penguins v1');
    expect(card).toContain('| registered | 2024-05-01T12:00:00.000Z |');
    expect(card).toContain('| CI run | <https://github.com/acme/models/actions/runs/77> |');
    expect(card).toMatch(/\| input \| `x` \| `float32` \| `\[N, 4\]` \|/);
    expect(card).toContain('`Adelie`, `Chinstrap`, `Gentoo`');
    expect(card).toContain('## Features\n\nIn input order: `bill`, `flipper`, `mass`, `year`');
    expect(card).toMatch(/\| accuracy \| 0\.97 \|/);
    // One commit of its own, by the default identity (the sandbox has none), leaving nothing behind.
    expect(await log(repo)).toEqual(['registry: register penguins v1', 'initial']);
    expect((await git(repo, 'log', '-1', '--format=%an <%ae>')).trim()).toBe(
      'modelgate <modelgate@users.noreply.github.com>',
    );
    expect(result.commit).toBe((await git(repo, 'rev-parse', 'HEAD')).trim());
    expect(await status(repo)).toBe('');
    expect((await git(repo, 'ls-files', 'registry')).split('\n').filter(Boolean).sort()).toEqual([
      'registry/.gitattributes',
      'registry/penguins/versions/v1/card.md',
      'registry/penguins/versions/v1/evaluation.json',
      'registry/penguins/versions/v1/metadata.json',
      'registry/penguins/versions/v1/model.onnx',
      'registry/penguins/versions/v1/reference-profile.json',
      'registry/registry.yaml',
    ]);
  });

  it('returns the existing version for the same model bytes and numbers new ones in order', async () => {
    const repo = await sandbox.repo();
    const registryDir = join(repo, 'registry');
    const first = await sandbox.artifacts({ model: { note: 'one' } });
    const v1 = await registerVersion({ registryDir, name: 'churn', model: first });
    const again = await registerVersion({ registryDir, name: 'churn', model: first });
    expect(again).toMatchObject({ version: 'v1', created: false, commit: null, sha256: v1.sha256 });
    // Same bytes, new evaluation: still the same model.
    const rerun = await sandbox.artifacts({ model: { note: 'one' }, 'evaluation.json': { accuracy: 0.5 } });
    expect(await registerVersion({ registryDir, name: 'churn', model: rerun })).toMatchObject({
      version: 'v1',
      created: false,
    });
    const v2 = await registerVersion({
      registryDir,
      name: 'churn',
      model: await sandbox.artifacts({ model: { note: 'two' } }),
    });
    expect(v2).toMatchObject({ version: 'v2', created: true });
    const meta = await readJson(join(registryDir, 'churn', 'versions', 'v2', 'metadata.json'));
    expect(meta).toMatchObject({ parent: 'v1' });
    expect(await log(repo)).toEqual([
      'registry: register churn v2',
      'registry: register churn v1',
      'initial',
    ]);
  });

  it('takes a model file and picks up the files beside it', async () => {
    const repo = await sandbox.repo();
    const out = await sandbox.artifacts({ 'evaluation.json': { metrics: { rmse: 1.5 } } });
    await writeFile(join(out, 'best.onnx'), makeOnnxModel({ note: 'best' }));
    const result = await registerVersion({
      registryDir: join(repo, 'registry'),
      name: 'price',
      model: join(out, 'best.onnx'),
    });
    const meta = await readJson(join(result.path, 'metadata.json'));
    expect(meta).toMatchObject({ metrics: { rmse: 1.5 }, model: { sha256: result.sha256 } });
    expect(await readFile(join(result.path, 'model.onnx'))).toEqual(
      Buffer.from(makeOnnxModel({ note: 'best' })),
    );
  });

  it('refuses an evaluation.json left from another model, naming both; takes one of this model', async () => {
    const repo = await sandbox.repo();
    const out = await sandbox.artifacts({ model: { note: 'retrained' } });
    const bytes = await readFile(join(out, 'model.onnx'));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const evaluation = (of: string) =>
      writeFile(
        join(out, 'evaluation.json'),
        JSON.stringify({ metrics: { accuracy: 0.9 }, challenger: { sha256: of } }),
      );
    await evaluation('e'.repeat(64));
    expect(
      await expectUserError(
        registerVersion({ registryDir: join(repo, 'registry'), name: 'stale', model: out }),
      ),
    ).toBe(
      `--model ${join(out, 'model.onnx')}: ${join(out, 'evaluation.json')} evaluated another model (sha256 eeeeeeeeeeee…), not this one (${sha256.slice(0, 12)}…). Evaluate this model again, or move the stale evaluation.json away.`,
    );
    await evaluation(sha256);
    const result = await registerVersion({ registryDir: join(repo, 'registry'), name: 'stale', model: out });
    expect(await readJson(join(result.path, 'evaluation.json'))).toMatchObject({ challenger: { sha256 } });
  });

  it('treats the model as bytes when a signature.json describes it', async () => {
    const repo = await sandbox.repo();
    const signature = {
      inputs: [{ name: 'features', type: 'float32', shape: [-1, 8] }],
      outputs: [{ name: 'label', type: 'string', shape: [-1] }],
    };
    const out = await sandbox.artifacts({
      model: new TextEncoder().encode('not onnx at all'),
      'signature.json': signature,
    });
    const result = await registerVersion({ registryDir: join(repo, 'registry'), name: 'opaque', model: out });
    expect(await readJson(join(result.path, 'metadata.json'))).toMatchObject({ signature, onnx: null });
  });

  it('refuses bytes that are not ONNX when nothing describes them, writing nothing', async () => {
    const repo = await sandbox.repo();
    const out = await sandbox.artifacts({ model: new TextEncoder().encode('garbage') });
    await expectUserError(
      registerVersion({ registryDir: join(repo, 'registry'), name: 'bad', model: out }),
      /model\.onnx is not an ONNX model.*signature\.json/,
    );
    await expect(lstat(join(repo, 'registry'))).rejects.toThrow();
    expect(await log(repo)).toEqual(['initial']);
  });

  it.each([
    ['../escape'],
    ['/etc/passwd'],
    ['a/b'],
    ['a..b'],
    ['model.lock'],
    ['has space'],
    ['-leading'],
    ['x~1'],
    ['@{u}'],
    ['registry.yaml'],
    [''],
  ])('refuses the model name %j', async (name) => {
    const repo = await sandbox.repo();
    const out = await sandbox.artifacts();
    await expectUserError(
      registerVersion({ registryDir: join(repo, 'registry'), name, model: out }),
      /Invalid model name/,
    );
    expect(await status(repo)).toBe('');
  });

  it('refuses a model name that differs from an existing one only in case', async () => {
    const repo = await sandbox.repo();
    const registryDir = join(repo, 'registry');
    await registerVersion({ registryDir, name: 'Churn', model: await sandbox.artifacts() });
    await expectUserError(
      registerVersion({
        registryDir,
        name: 'churn',
        model: await sandbox.artifacts({ model: { note: 'x' } }),
      }),
      /only in case/,
    );
  });

  it('refuses symbolic links: a linked model file, and a linked registry directory', async () => {
    const repo = await sandbox.repo();
    const out = await sandbox.artifacts();
    const linked = sandbox.tmp.path('linked-out');
    await mkdir(linked);
    await symlink(join(out, 'model.onnx'), join(linked, 'model.onnx'));
    await expectUserError(
      registerVersion({ registryDir: join(repo, 'registry'), name: 'm', model: linked }),
      /symbolic link/,
    );
    await symlink(sandbox.tmp.dir, join(repo, 'registry'));
    await expectUserError(
      registerVersion({ registryDir: join(repo, 'registry'), name: 'm', model: out }),
      /symbolic link/,
    );
  });

  it('leaves the registry, the index and the working tree as they were when the commit fails', async () => {
    const repo = await sandbox.repo();
    const registryDir = join(repo, 'registry');
    await registerVersion({ registryDir, name: 'm', model: await sandbox.artifacts() });
    // A smaller LFS threshold makes the next register also rewrite .gitattributes.
    const settings = join(registryDir, 'registry.yaml');
    await writeFile(
      settings,
      (await readFile(settings, 'utf8')).replace('lfs_threshold_mb: 50', 'lfs_threshold_mb: 0'),
    );
    await git(repo, 'add', '.');
    await git(repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'lfs for all');
    const attributes = await readFile(join(registryDir, '.gitattributes'), 'utf8');
    // The user has work of their own staged; it must stay staged and out of our commit.
    await writeFile(join(repo, 'README.md'), '# changed\n');
    await git(repo, 'add', 'README.md');
    // Fails the very last step: moving the branch to the new commit.
    const hook = join(repo, '.git', 'hooks', 'reference-transaction');
    await writeFile(hook, '#!/bin/sh\n[ "$1" = prepared ] || exit 0\necho "hook says no" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    const before = await status(repo);
    await expect(
      registerVersion({ registryDir, name: 'm', model: await sandbox.artifacts({ model: { note: 'v2' } }) }),
    ).rejects.toThrow(/hook says no/);
    expect(await status(repo)).toBe(before);
    expect(before).toBe('M  README.md\n');
    expect(await readdir(join(registryDir, 'm', 'versions'))).toEqual(['v1']);
    expect(await readFile(join(registryDir, '.gitattributes'), 'utf8')).toBe(attributes);
    expect((await readdir(registryDir)).filter((e) => e.startsWith('.staging'))).toEqual([]);
    expect(await log(repo)).toEqual(['lfs for all', 'registry: register m v1', 'initial']);
  });

  it('moves the branch back when a step after the commit fails (a tag that exists already)', async () => {
    const repo = await sandbox.repo();
    const registryDir = join(repo, 'registry');
    await mkdir(registryDir);
    await writeFile(join(registryDir, 'registry.yaml'), 'gto_tags: true\n');
    await git(repo, 'add', '.');
    await git(repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'gto on');
    await git(repo, 'tag', 'm@v1.0.0');
    const head = (await git(repo, 'rev-parse', 'HEAD')).trim();
    await expect(
      registerVersion({ registryDir, name: 'm', model: await sandbox.artifacts() }),
    ).rejects.toThrow(/already exists/);
    expect((await git(repo, 'rev-parse', 'HEAD')).trim()).toBe(head);
    expect(await status(repo)).toBe('');
    expect(await readdir(registryDir)).toEqual(['registry.yaml']);
  });

  it('commits only registry paths, leaving the user staged work staged', async () => {
    const repo = await sandbox.repo();
    await writeFile(join(repo, 'README.md'), '# mine\n');
    await git(repo, 'add', 'README.md');
    await registerVersion({
      registryDir: join(repo, 'registry'),
      name: 'm',
      model: await sandbox.artifacts(),
    });
    expect(await status(repo)).toBe('M  README.md\n');
    expect(await git(repo, 'show', '--name-only', '--format=', 'HEAD')).not.toContain('README.md');
  });

  it('refuses a registry outside a git repository', async () => {
    const dir = sandbox.tmp.path('no-git');
    await mkdir(dir);
    await expectUserError(
      registerVersion({ registryDir: join(dir, 'registry'), name: 'm', model: await sandbox.artifacts() }),
      /not inside a git repository/,
    );
  });
});
