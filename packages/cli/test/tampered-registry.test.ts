import { cp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stampMetadata } from '@modelgate/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useTempDir } from '../../core/test/fixtures.js';
import { PENGUINS_CONFIG } from './project-fixture.js';
import { runCli } from './run-cli.js';

const REPO_REGISTRY = join(import.meta.dirname, '..', '..', '..', 'registry');
const VERSION = join('penguins-species', 'versions', 'v1');
const PENGUINS = dataset('penguins.json');
const tmp = useTempDir('cli-tampered');

/** A copy of the repository's registry, its v1 changed by `tamper`. */
async function registryWith(name: string, tamper: (version: string) => Promise<void>): Promise<string> {
  const registry = tmp.path(name);
  await cp(REPO_REGISTRY, registry, { recursive: true });
  await tamper(join(registry, VERSION));
  return registry;
}

/** Every command that loads a model, given `model` as a path. */
function commandsLoading(model: string, out: string): string[][] {
  return [
    ['predict', '--model', model, '--input', PENGUINS, '--output', join(out, 'scores.csv')],
    [
      'evaluate',
      '--config',
      tmp.path('modelgate.yaml'),
      '--model',
      model,
      '--data',
      PENGUINS,
      '--no-baseline',
      '--out',
      out,
    ],
    ['export', '--model', model, '--target', 'web', '--out', out],
    ['serve', '--model', model, '--port', '0'],
  ];
}

async function expectRefused(model: string, message: RegExp): Promise<void> {
  const out = tmp.path(`out-${Math.random().toString(36).slice(2)}`);
  for (const argv of commandsLoading(model, out)) {
    const run = await runCli(argv);
    expect(run.stderr, argv.join(' ')).toMatch(/^modelgate: error: [^\n]*\n$/);
    expect(run.stderr, argv.join(' ')).toMatch(message);
    expect(run.code, argv.join(' ')).toBe(2);
  }
  expect(await readdir(out).catch(() => [])).toEqual([]);
}

describe('a registry version loaded by path is verified as by reference', () => {
  let original: Uint8Array;
  /** The same model with one more metadata entry: valid ONNX, another sha256. */
  let changed: Uint8Array;
  beforeAll(async () => {
    await writeFile(tmp.path('modelgate.yaml'), PENGUINS_CONFIG);
    original = new Uint8Array(await readFile(join(REPO_REGISTRY, VERSION, 'model.onnx')));
    changed = stampMetadata(original, { 'tampered.by': 'test' });
  });

  it('loads the untouched version by path (the control)', async () => {
    const run = await runCli([
      'predict',
      '--model',
      join(REPO_REGISTRY, VERSION),
      '--input',
      PENGUINS,
      '--output',
      tmp.path('control.csv'),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('refuses a changed but valid model.onnx from evaluate, predict, export and serve, by directory and by file', async () => {
    const registry = await registryWith('changed', (v) => writeFile(join(v, 'model.onnx'), changed));
    const message =
      /refusing to load penguins-species v1: sha256 [0-9a-f]{64} does not match metadata\.json's/;
    await expectRefused(join(registry, VERSION), message);
    await expectRefused(join(registry, VERSION, 'model.onnx'), message);
    const byRef = await runCli([
      'predict',
      '-m',
      'penguins-species@v1',
      '--registry',
      registry,
      '-i',
      PENGUINS,
      '-o',
      tmp.path('x.csv'),
    ]);
    expect(byRef.stderr).toMatch(message);
  });

  it('refuses a model.onnx that is a symbolic link, even to the very bytes recorded', async () => {
    const outside = await tmp.write('outside.onnx', original);
    const registry = await registryWith('linked', async (v) => {
      await rm(join(v, 'model.onnx'));
      await symlink(outside, join(v, 'model.onnx'));
    });
    const message = /refusing to load penguins-species v1: it is a symbolic link/;
    await expectRefused(join(registry, VERSION), message);
    await expectRefused(join(registry, VERSION, 'model.onnx'), message);
  });

  it('refuses a version whose metadata.json is gone, instead of loading it as a bare file', async () => {
    const registry = await registryWith('unrecorded', async (v) => {
      await rm(join(v, 'metadata.json'));
      await writeFile(join(v, 'model.onnx'), changed);
    });
    await expectRefused(join(registry, VERSION, 'model.onnx'), /metadata\.json/);
  });

  it('refuses a copied version directory outside a registry by the digest its metadata.json records', async () => {
    const copy = tmp.path('copied-v1');
    await cp(join(REPO_REGISTRY, VERSION), copy, { recursive: true });
    await writeFile(join(copy, 'model.onnx'), changed);
    await expectRefused(
      copy,
      /model\.onnx: refusing to load it: sha256 [0-9a-f]{64} does not match .*metadata\.json's/,
    );
    const linked = tmp.path('copied-linked-v1');
    await cp(join(REPO_REGISTRY, VERSION), linked, { recursive: true });
    await rm(join(linked, 'model.onnx'));
    await symlink(join(REPO_REGISTRY, VERSION, 'model.onnx'), join(linked, 'model.onnx'));
    await expectRefused(
      linked,
      /model\.onnx: refusing to load it: a registry version's files must not be symbolic links/,
    );
  });
});
