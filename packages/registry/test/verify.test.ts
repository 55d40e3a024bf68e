import { appendFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { expectUserError } from '../../core/test/fixtures.js';
import { loadVerifiedModel, registerVersion, verifyModelFile, verifyRegistry } from '../src/index.js';
import { git, useGitSandbox } from './git-fixture.js';
import { makeOnnxModel } from './onnx-fixture.js';

const sandbox = useGitSandbox('registry-verify');

describe('verify', () => {
  let repo: string;
  let registryDir: string;
  beforeEach(async () => {
    repo = await sandbox.repo();
    registryDir = join(repo, 'registry');
    for (const note of ['a', 'b']) {
      await registerVersion({
        registryDir,
        name: 'm',
        model: await sandbox.artifacts({ model: { note }, 'evaluation.json': { accuracy: 0.9 } }),
      });
    }
  });

  it('passes a registry as register wrote it, and loads verified bytes', async () => {
    expect(await verifyRegistry(registryDir)).toEqual({ models: 1, versions: 2, files: 6, problems: [] });
    const loaded = await loadVerifiedModel(registryDir, 'm@v2');
    expect(Buffer.from(loaded.bytes)).toEqual(Buffer.from(makeOnnxModel({ note: 'b' })));
    expect(loaded.metadata.version).toBe('v2');
    expect((await verifyModelFile(registryDir, 'm', 'v1')).path).toBe(
      join(registryDir, 'm/versions/v1/model.onnx'),
    );
  });

  it('catches a tampered model: verify reports it and every load refuses it', async () => {
    const model = join(registryDir, 'm/versions/v1/model.onnx');
    await appendFile(model, Buffer.from([0]));
    const report = await verifyRegistry(registryDir);
    expect(report.problems).toEqual([
      {
        level: 'error',
        path: 'm/versions/v1/model.onnx',
        message: expect.stringMatching(/^sha256 [0-9a-f]{64} \(\d+ bytes\) does not match metadata\.json's/),
      },
    ]);
    await expectUserError(
      loadVerifiedModel(registryDir, 'm@v1'),
      /refusing to load m v1: sha256 .* does not match/,
    );
    await expectUserError(verifyModelFile(registryDir, 'm', 'v1'), /refusing to load m v1/);
  });

  it('refuses to load a model through a symbolic link', async () => {
    const model = join(registryDir, 'm/versions/v1/model.onnx');
    const copy = sandbox.tmp.path(`copy-${Date.now()}.onnx`);
    await writeFile(copy, await readFile(model));
    await rm(model);
    await symlink(copy, model);
    await expectUserError(loadVerifiedModel(registryDir, 'm@v1'), /symbolic link/);
    expect((await verifyRegistry(registryDir)).problems).toContainEqual({
      level: 'error',
      path: 'm/versions/v1/model.onnx',
      message: 'is a symbolic link',
    });
  });

  it('finds missing files, dangling stage and archive references, unknown parents and leftovers', async () => {
    await rm(join(registryDir, 'm/versions/v2/evaluation.json'));
    await writeFile(join(registryDir, 'm/versions/v2/card.md'), '# edited\n');
    await writeFile(join(registryDir, 'm/stages.yaml'), 'staging: v9\ncanary: v1\n');
    await writeFile(join(registryDir, 'm/deprecated.yaml'), 'v8: { archived_at: "2024-01-01" }\n');
    const meta = join(registryDir, 'm/versions/v1/metadata.json');
    await writeFile(meta, (await readFile(meta, 'utf8')).replace('"parent": null', '"parent": "v5"'));
    await writeFile(join(registryDir, 'm/versions/v1/notes.txt'), 'stray');
    await mkdir(join(registryDir, '.staging-123-abcd'));
    const { problems } = await verifyRegistry(registryDir);
    const lines = problems.map(
      (p) =>
        `${p.level} ${p.path}: ${p.message.replace(/[0-9a-f]{64}/g, 'SHA').replace(/\d+ bytes/g, 'N bytes')}`,
    );
    expect(lines.sort()).toEqual(
      [
        'warning .staging-123-abcd: is left over from an interrupted write; delete it',
        "warning m/stages.yaml: stage 'canary' is not in registry.yaml",
        'error m/stages.yaml: staging points to v9, which does not exist',
        'error m/deprecated.yaml: archives v8, which does not exist',
        'error m/versions/v1/metadata.json: parent v5 does not exist',
        'warning m/versions/v1/notes.txt: is not recorded in metadata.json',
        'error m/versions/v2/evaluation.json: missing',
        "error m/versions/v2/card.md: sha256 SHA (N bytes) does not match metadata.json's SHA (N bytes)",
      ].sort(),
    );
  });

  it('reports unreadable metadata without stopping at it', async () => {
    await writeFile(join(registryDir, 'm/versions/v1/metadata.json'), '{ not json');
    const { problems } = await verifyRegistry(registryDir);
    expect(problems).toEqual([
      { level: 'error', path: 'm/versions/v1/metadata.json', message: expect.stringMatching(/invalid JSON/) },
    ]);
    await git(repo, 'checkout', '--', 'registry');
    expect((await verifyRegistry(registryDir)).problems).toEqual([]);
  });
});
