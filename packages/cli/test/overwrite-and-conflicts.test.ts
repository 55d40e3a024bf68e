import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { git, log, useGitSandbox } from '../../registry/test/git-fixture.js';
import { INPUTS, OUTPUTS } from '../src/action/inputs.js';
import {
  inputsJson,
  literalStepEnv,
  readAction,
  runAction,
  stageAction,
  useActionEnv,
} from './action-harness.js';
import { writeProject } from './project-fixture.js';
import { runCli } from './run-cli.js';

const REPO_REGISTRY = join(import.meta.dirname, '..', '..', '..', 'registry');
const MODEL = join('registry', 'penguins-species', 'versions', 'v1', 'model.onnx');
const PREDICT = ['predict', '--model', MODEL, '--input', 'data/penguins.json', '--workers', '0'];
const SIGNATURE = {
  inputs: [{ name: 'x', type: 'float32', shape: [-1, 4] }],
  outputs: [{ name: 'y', type: 'float32', shape: [-1, 4] }],
};
const sandbox = useGitSandbox('cli-overwrite');

/** Every path under `dir` but .git, so a stray temp file or a half-written output shows. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((e) => !e.startsWith('.git')).sort();
}

/** Exit 2 with exactly one line, nothing on stdout, the tree and the named file as they were. */
async function expectRefused(root: string, argv: string[], line: string, kept?: string): Promise<void> {
  const before = await tree(root);
  const content = kept === undefined ? undefined : await readFile(join(root, kept), 'utf8');
  const run = await runCli(argv, { cwd: root });
  expect(run.stderr).toBe(`modelgate: error: ${line}\n`);
  expect(run.stdout).toBe('');
  expect(run.code).toBe(2);
  expect(await tree(root)).toEqual(before);
  if (kept !== undefined) expect(await readFile(join(root, kept), 'utf8')).toBe(content);
}

async function expectOk(root: string, argv: string[]): Promise<string> {
  const run = await runCli(argv, { cwd: root });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.stdout;
}

/** A project with penguins data, splits and the repository's own registered penguins model. */
async function project(label: string): Promise<string> {
  const root = await writeProject(sandbox.tmp.path(label));
  await cp(REPO_REGISTRY, join(root, 'registry'), { recursive: true });
  await expectOk(root, ['split', '--out', 'splits']);
  return root;
}

describe('an output file that exists is refused unless --force, for every command that writes one', () => {
  let root: string;
  beforeAll(async () => {
    root = await project('outputs');
  });

  it.each([
    [
      'predict --output',
      [...PREDICT, '--output', 'scores.csv'],
      '--output scores.csv: already exists. Pass --force to replace it, or choose another path for the predictions.',
      'scores.csv',
    ],
    [
      'validate --write-schema',
      ['validate', '--write-schema', 'contract.json'],
      '--write-schema contract.json: already exists. Pass --force to replace it, or choose another path for the contract.',
      'contract.json',
    ],
    [
      'config schema --out',
      ['config', 'schema', '--out', 'schema.json'],
      '--out schema.json: already exists. Pass --force to replace it, or choose another path for the JSON Schema.',
      'schema.json',
    ],
  ])('%s', async (_, argv, line, file) => {
    await expectOk(root, argv);
    const first = await readFile(join(root, file), 'utf8');
    const mine = 'a file I edited by hand\n';
    await writeFile(join(root, file), mine);
    await expectRefused(root, argv, line, file);
    const before = await tree(root);
    expect(await expectOk(root, [...argv, '--force'])).toContain(file);
    // Replaced by what the command writes, atomically: no temp file beside it.
    expect(await readFile(join(root, file), 'utf8')).toBe(first);
    expect(await tree(root)).toEqual(before);
  });

  it('predict --on-error reject refuses the rejects file of an earlier run, named or the default one', async () => {
    const reject = [...PREDICT, '--output', 'rejecting.csv', '--on-error', 'reject'];
    await writeFile(join(root, 'rejecting.rejects.csv'), 'rows I kept\n');
    await expectRefused(
      root,
      reject,
      '--reject (default) rejecting.rejects.csv: already exists. Pass --force to replace it, or choose another path for the rejected rows.',
      'rejecting.rejects.csv',
    );
    await writeFile(join(root, 'mine.csv'), 'rows I kept\n');
    await expectRefused(
      root,
      [...reject, '--reject', 'mine.csv'],
      '--reject mine.csv: already exists. Pass --force to replace it, or choose another path for the rejected rows.',
      'mine.csv',
    );
    await expectOk(root, [...reject, '--reject', 'mine.csv', '--force']);
  });

  it.each([
    [['validate', '--force'], '--force: only used with --write-schema, to replace a contract that exists.'],
    [['config', 'schema', '--force'], '--force: only used with --out, to replace a file that exists.'],
  ])('%j: --force without an output file is a mistake, said as one', async (argv, line) => {
    await expectRefused(root, argv, line);
  });
});

describe('the validate and predict actions take force', () => {
  useActionEnv();

  it.each<[string, Record<string, string>, string]>([
    ['validate', { [INPUTS.writeSchema]: 'contract.json' }, '--write-schema contract.json'],
    [
      'predict',
      {
        [INPUTS.model]: MODEL,
        [INPUTS.input]: 'data/penguins.json',
        [INPUTS.output]: 'scores.csv',
        [INPUTS.workers]: '0',
      },
      '--output scores.csv',
    ],
  ])('%s: an existing output fails the step, force replaces it', async (command, inputs, named) => {
    const file = named.split(' ')[1] ?? '';
    const root = await project(`action-${command}`);
    await writeFile(join(root, file), 'mine\n');
    const action = await readAction(stageAction(command));
    const step = (given: Record<string, string>) => ({
      ...literalStepEnv(action),
      MODELGATE_INPUTS: inputsJson(action, { [INPUTS.workingDirectory]: root, ...inputs, ...given }),
    });
    const refused = await runAction(sandbox.tmp, step({}));
    expect(refused.commands).toContain(`::error::${named}: already exists. Pass --force`);
    expect(refused.outputs[OUTPUTS.exitCode]).toBe('2');
    expect(await readFile(join(root, file), 'utf8')).toBe('mine\n');
    const forced = await runAction(sandbox.tmp, step({ [INPUTS.force]: 'true' }));
    expect(forced.failed).toBe(false);
    expect(forced.outputs[OUTPUTS.exitCode]).toBe('0');
    expect(await readFile(join(root, file), 'utf8')).not.toBe('mine\n');
  });
});

describe('spec flags that contradict the spec a model records are refused, not ignored', () => {
  let root: string;
  const evaluate = ['evaluate', '--model', MODEL, '--splits', 'splits', '--no-baseline', '--out', 'ev'];
  beforeAll(async () => {
    root = await project('spec');
    await writeFile(
      join(root, 'binary.json'),
      JSON.stringify({ task: 'binary', target: 'Species', features: ['a', 'b'], classes: ['x', 'y'] }),
    );
  });

  it.each([
    [
      'evaluate --task',
      [...evaluate, '--task', 'binary'],
      `--task binary: ${MODEL} records its own spec, with task multiclass, not binary. Drop the flag: it describes only a model that records no spec.`,
    ],
    [
      'evaluate --spec',
      [...evaluate, '--spec', 'binary.json'],
      `--spec binary.json: ${MODEL} records its own spec, with task multiclass, not binary. Drop the flag: it describes only a model that records no spec.`,
    ],
    [
      'predict --classes',
      [...PREDICT, '--output', 'scores.csv', '--classes', 'Gentoo,Adelie,Chinstrap'],
      `--classes Gentoo,Adelie,Chinstrap: ${MODEL} records its own spec, with classes Adelie,Chinstrap,Gentoo, not Gentoo,Adelie,Chinstrap. Drop the flag: it describes only a model that records no spec.`,
    ],
    [
      'serve --features',
      ['serve', '--model', MODEL, '--port', '0', '--features', 'a,b,c'],
      `--features a,b,c: ${MODEL} records its own spec, with features Island,Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Body Mass (g),Sex, not a,b,c. Drop the flag: it describes only a model that records no spec.`,
    ],
  ])('%s', async (_, argv, line) => {
    await expectRefused(root, argv, line);
  });

  it('takes a flag that says what the model records', async () => {
    const run = await runCli([...evaluate, '--task', 'multiclass', '--classes', 'Adelie,Chinstrap,Gentoo'], {
      cwd: root,
    });
    expect(run.stderr).not.toMatch(/error/);
    expect([0, 1]).toContain(run.code);
    expect(JSON.parse(await readFile(join(root, 'ev', 'evaluation.json'), 'utf8'))).toMatchObject({
      verdict: expect.any(String),
    });
  });
});

describe('register', () => {
  let repo: string;
  let model: string;
  beforeAll(async () => {
    repo = await sandbox.repo();
    await mkdir(join(repo, 'src'));
    await writeFile(join(repo, 'src', 'train.py'), 'print("train")\n');
    model = await sandbox.artifacts({ 'metadata.json': { task: 'regression' } });
  });

  it('starts the first registry of a repository and says so', async () => {
    const out = await expectOk(repo, ['register', '--model', model, '--name', 'price']);
    expect(out).toMatch(/^registered price v1: /);
    expect(out).toContain(
      'started a new registry in registry (its registry.yaml has the default stages); if you meant an existing one, check --registry.',
    );
    const again = await expectOk(repo, [
      'register',
      '--model',
      await sandbox.artifacts({ model: { note: '2' } }),
      '--name',
      'price',
    ]);
    expect(again).not.toContain('new registry');
  });

  it.each([
    [
      'a new directory where the repository has a registry',
      'registy',
      "--registry registy: no registry there, and this repository's registry is registry. Pass --registry registry, or, to start a registry there, create registy/registry.yaml first (an empty one takes the default stages).",
    ],
    [
      'a directory inside the registry',
      'registry/price',
      '--registry registry/price: is inside the registry registry (it has registry.yaml). Pass --registry registry.',
    ],
    [
      'a new directory inside the registry',
      'registry/typo/more',
      '--registry registry/typo/more: is inside the registry registry (it has registry.yaml). Pass --registry registry.',
    ],
    [
      'a folder of other files',
      'src',
      "--registry src: is a folder of other files, not a registry (no registry.yaml, no models). Pass the registry's directory, or, to start a registry there, create src/registry.yaml first (an empty one takes the default stages).",
    ],
  ])('refuses %s, writing nothing', async (_, registry, line) => {
    const commits = await log(repo);
    await expectRefused(
      repo,
      ['register', '--model', model, '--name', 'other', '--registry', registry],
      line,
    );
    expect(await log(repo)).toEqual(commits);
  });

  it('takes a second registry once its registry.yaml is there', async () => {
    await mkdir(join(repo, 'second'));
    await writeFile(join(repo, 'second', 'registry.yaml'), '');
    const out = await expectOk(repo, [
      'register',
      '--model',
      model,
      '--name',
      'other',
      '--registry',
      'second',
    ]);
    expect(out).toMatch(/^registered other v1: /);
    expect(out).not.toContain('new registry');
  });

  it('refuses bytes that are not ONNX though a metadata.json gives their signature', async () => {
    const fake = await sandbox.artifacts({
      model: new TextEncoder().encode('not onnx at all'),
      'metadata.json': { task: 'regression', signature: SIGNATURE },
    });
    const commits = await log(repo);
    const run = await runCli(['register', '--model', fake, '--name', 'fake'], { cwd: repo });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^modelgate: error: --model \S+model\.onnx: model\.onnx is not an ONNX model we can read \([^\n]*\) \(metadata\.json beside it gives a signature\)\. Give a valid ONNX model, or, for a model in another format, its signature in signature\.json beside it\.\n$/,
    );
    expect(await log(repo)).toEqual(commits);
    expect(await git(repo, 'ls-files', 'registry/fake')).toBe('');
  });

  it('keeps taking bytes in another format that a signature.json describes (an opaque artifact)', async () => {
    const opaque = await sandbox.artifacts({
      model: new TextEncoder().encode('a model in another format'),
      'signature.json': SIGNATURE,
    });
    expect(await expectOk(repo, ['register', '--model', opaque, '--name', 'opaque'])).toMatch(
      /^registered opaque v1: /,
    );
  });
});
