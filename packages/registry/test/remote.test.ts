import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archive, loadVerifiedModel, promote, registerVersion, verifyRegistry } from '../src/index.js';
import { git, log, status, useGitSandbox } from './git-fixture.js';
import { makeOnnxModel } from './onnx-fixture.js';

const sandbox = useGitSandbox('registry-remote');

const AS_TEST = ['-c', 'user.name=t', '-c', 'user.email=t@t'];

async function writeSettings(repo: string, text: string): Promise<void> {
  await git(repo, 'rm', '-q', '--ignore-unmatch', 'registry/registry.yaml');
  await mkdir(join(repo, 'registry'), { recursive: true });
  await writeFile(join(repo, 'registry', 'registry.yaml'), text);
  await git(repo, 'add', 'registry/registry.yaml');
  await git(repo, ...AS_TEST, 'commit', '-q', '-m', 'registry settings');
}

describe('register --push', () => {
  it('re-numbers a version that lost the race, and re-running identical content is a no-op', async () => {
    const remote = await sandbox.remote();
    const [a, b] = [await remote.clone(), await remote.clone()];
    const model = (note: string) => sandbox.artifacts({ model: { note } });
    const first = await registerVersion({
      registryDir: join(a, 'registry'),
      name: 'm',
      model: await model('a'),
      push: true,
    });
    expect(first).toMatchObject({ version: 'v1', attempts: 1, pushed: { remote: 'origin', branch: 'main' } });
    // b never saw a's push: its v1 is rejected, it catches up and lands as v2.
    const second = await registerVersion({
      registryDir: join(b, 'registry'),
      name: 'm',
      model: await model('b'),
      push: true,
      random: () => 0,
    });
    expect(second).toMatchObject({ version: 'v2', created: true, attempts: 2 });
    expect(await log(remote.bare)).toEqual(['registry: register m v2', 'registry: register m v1', 'initial']);
    // a is behind now; the same bytes as b's v2 resolve to v2 after catching up.
    const again = await registerVersion({
      registryDir: join(a, 'registry'),
      name: 'm',
      model: await model('b'),
      push: true,
    });
    expect(again).toMatchObject({ version: 'v2', created: false, commit: null });
    expect(await status(a)).toBe('');
    expect(await status(b)).toBe('');
  });
});

describe('Git LFS', () => {
  it('stores a model above the threshold with LFS, pushes its object, and verifies after git lfs pull', async () => {
    const remote = await sandbox.remote('lfs');
    const a = await remote.clone();
    await writeSettings(a, 'lfs_threshold_mb: 0.002\n');
    await git(a, 'push', '-q', 'origin', 'main');
    const bytes = makeOnnxModel({ weightFloats: 2000 });
    expect(bytes.byteLength).toBeGreaterThan(0.002 * 1024 * 1024);
    const big = await registerVersion({
      registryDir: join(a, 'registry'),
      name: 'big',
      model: await sandbox.artifacts({ model: bytes }),
      push: true,
    });
    expect(big).toMatchObject({ version: 'v1', storage: 'lfs' });
    const small = await registerVersion({
      registryDir: join(a, 'registry'),
      name: 'small',
      model: await sandbox.artifacts({ model: { note: 'small' } }),
      push: true,
    });
    expect(small.storage).toBe('git');
    expect(await readFile(join(a, 'registry', '.gitattributes'), 'utf8')).toMatch(
      /\nbig\/versions\/v1\/model\.onnx filter=lfs diff=lfs merge=lfs -text\n$/,
    );
    const committed = await git(a, 'show', 'HEAD:registry/big/versions/v1/model.onnx');
    expect(committed).toMatch(/^version https:\/\/git-lfs\.github\.com\/spec\/v1\noid sha256:[0-9a-f]{64}\n/);
    expect(committed).toContain(`oid sha256:${big.sha256}`);
    expect(await git(a, 'show', 'HEAD:registry/small/versions/v1/model.onnx')).not.toContain('git-lfs');
    expect(await git(a, 'lfs', 'ls-files', '--name-only')).toBe('registry/big/versions/v1/model.onnx\n');
    // A clone without the LFS filter holds the pointer: verify says so, loading refuses.
    const b = await remote.clone();
    const pointerReport = await verifyRegistry(join(b, 'registry'));
    expect(pointerReport.problems).toEqual([
      {
        level: 'warning',
        path: 'big/versions/v1/model.onnx',
        message: 'is a Git LFS pointer; the content was not fetched (run git lfs pull)',
      },
    ]);
    await expect(loadVerifiedModel(join(b, 'registry'), 'big')).rejects.toThrow(
      /Git LFS pointer; run git lfs pull/,
    );
    await git(b, 'lfs', 'install', '--local');
    await git(b, 'lfs', 'pull');
    expect((await verifyRegistry(join(b, 'registry'))).problems).toEqual([]);
    expect(Buffer.from((await loadVerifiedModel(join(b, 'registry'), 'big')).bytes)).toEqual(
      Buffer.from(bytes),
    );
  });
});

describe('GTO tags', () => {
  it('writes annotated tags GTO reads: register, stage assignments on the registering commit, deregister', async () => {
    const remote = await sandbox.remote('gto');
    const a = await remote.clone();
    await writeSettings(a, 'gto_tags: true\n');
    const registryDir = join(a, 'registry');
    const v1 = await registerVersion({
      registryDir,
      name: 'churn',
      model: await sandbox.artifacts(),
      push: true,
    });
    expect(v1.tags).toEqual(['churn@v1.0.0']);
    const v2 = await registerVersion({
      registryDir,
      name: 'churn',
      model: await sandbox.artifacts({ model: { note: '2' } }),
      push: true,
    });
    const staged = await promote({ registryDir, name: 'churn', stage: 'staging', version: 'v1', push: true });
    const prod = await promote({ registryDir, name: 'churn', stage: 'production', push: true });
    const archived = await archive({ registryDir, name: 'churn', version: 'v2', push: true });
    expect([staged.tags, prod.tags, archived.tags]).toEqual([
      ['churn#staging#1'],
      ['churn#production#2'],
      ['churn@v2.0.0!#3'],
    ]);
    const describeTag = async (tag: string) =>
      (
        await git(
          a,
          'for-each-ref',
          `refs/tags/${tag}`,
          '--format=%(objecttype) %(*objectname) %(contents:subject)',
        )
      ).trim();
    expect(await describeTag('churn@v1.0.0')).toBe(
      `tag ${v1.commit} Registering artifact churn version v1.0.0`,
    );
    expect(await describeTag('churn#staging#1')).toBe(
      `tag ${v1.commit} Assigning stage staging to artifact churn version v1.0.0`,
    );
    expect(await describeTag('churn#production#2')).toBe(
      `tag ${v1.commit} Assigning stage production to artifact churn version v1.0.0`,
    );
    expect(await describeTag('churn@v2.0.0!#3')).toBe(
      `tag ${v2.commit} Deregistering artifact churn version v2.0.0`,
    );
    const remoteTags = (await git(remote.bare, 'tag', '--list')).split('\n').filter(Boolean).sort();
    expect(remoteTags).toEqual([
      'churn#production#2',
      'churn#staging#1',
      'churn@v1.0.0',
      'churn@v2.0.0',
      'churn@v2.0.0!#3',
    ]);
  });

  it('refuses names GTO cannot read while gto_tags is on', async () => {
    const repo = await sandbox.repo();
    await writeSettings(repo, 'gto_tags: true\n');
    await expect(
      registerVersion({
        registryDir: join(repo, 'registry'),
        name: 'Churn_Model',
        model: await sandbox.artifacts(),
      }),
    ).rejects.toThrow(/not a valid GTO name/);
    expect(await status(repo)).toBe('');
  });
});
