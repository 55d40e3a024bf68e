import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig, withDatabase } from '@modelgate/core';
import { createSession, openModel, readOnnxMetadata, recordedSpec, runOnColumns } from '@modelgate/runtime';
import { prepareProblem } from '@modelgate/train';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { ruleClass, ruleModel } from '../../train/test/byo-models.js';
import { PENGUINS_CONFIG, writeProject } from './project-fixture.js';
import { runCli } from './run-cli.js';

const tmp = useTempDir('cli-train');

const OUTPUTS = [
  'lineage.json',
  'metadata.json',
  'model.onnx',
  'params.json',
  'reference-profile.json',
  'trials.json',
  'trials.md',
];

const SEARCH = `train:
  metric: accuracy
  search: {strategy: random, trials: 3, seed: 2}
  candidates:
    - algorithm: gbdt
      params: {learning_rate: {loguniform: [0.05, 0.3]}, rounds: 30}
    - algorithm: logistic
`;

describe('modelgate train', () => {
  it('trains the penguins example end to end: a model that predicts the holdout', async () => {
    const out = tmp.path('example');
    const { code, stdout, stderr } = await runCli([
      'train',
      '--config',
      'examples/penguins/modelgate.yaml',
      '--out',
      out,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Trained penguins-species \(multiclass\): 12 trials, tpe search, seed 7\./);
    expect(stdout).toMatch(
      /rank\s+trial\s+candidate\s+params\s+log_loss \(validation\)\s+accuracy\s+time\s+status/,
    );
    expect(stdout).toMatch(/gbdt\s+learning_rate=[\d.]+, max_leaves=\d+, min_samples_leaf=\d+/);
    expect(stdout).toMatch(/logistic\s+l2=[\d.]+/);
    expect(stdout).toContain(`Wrote ${join(out, 'model.onnx')}`);
    expect((await readdir(out)).sort()).toEqual(OUTPUTS);

    // The model takes raw columns: score the test split the config's split made.
    const config = await loadConfig('examples/penguins/modelgate.yaml');
    const accuracy = await withDatabase(async (db) => {
      const problem = await prepareProblem(db, config, {
        data: { path: 'examples/penguins/data/penguins.csv' },
        out: tmp.path('example-splits'),
      });
      const session = await createSession(join(out, 'model.onnx'));
      const { label } = await runOnColumns(session, problem.spec, problem.sets.test);
      const truth = problem.sets.test.target;
      return (label ?? []).filter((l, i) => l === truth[i]).length / problem.sets.test.rows;
    });
    expect(accuracy).toBeGreaterThan(0.9);
    const model = JSON.parse(await readFile(join(out, 'metadata.json'), 'utf8'));
    expect(model.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(model.signature.inputs.map((i: { name: string }) => i.name)).toContain('Beak Length (mm)');
    const lineage = JSON.parse(await readFile(join(out, 'lineage.json'), 'utf8'));
    expect(lineage.code.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('prints a summary with --json and writes trials.md to the job summary', async () => {
    const root = await writeProject(tmp.path('json'), PENGUINS_CONFIG + SEARCH);
    const summary = await tmp.write('summary.md', '');
    const { code, stdout } = await runCli(['--json', 'train', '--out', 'model', '--parallel', '1'], {
      cwd: root,
      jobSummary: summary,
    });
    expect(code).toBe(0);
    const data = JSON.parse(stdout);
    expect(data.metric).toMatchObject({ name: 'accuracy', lowerIsBetter: false, split: 'validation' });
    expect(data.trials).toEqual({ total: 3, ok: 3, stopped: 0, failed: 0 });
    expect(data.search).toMatchObject({ strategy: 'random', trials: 3, seed: 2 });
    expect(data.outputs).toContain(join('model', 'trials.md'));
    const trialsMd = await readFile(join(root, 'model', 'trials.md'), 'utf8');
    expect(await readFile(summary, 'utf8')).toContain(trialsMd.trim());
  });

  it('trains from a split directory made by modelgate split', async () => {
    const root = await writeProject(tmp.path('splits'), PENGUINS_CONFIG + SEARCH);
    expect((await runCli(['split', '--out', 'splits'], { cwd: root })).code).toBe(0);
    const { code } = await runCli(['train', '--splits', 'splits', '--out', 'model'], { cwd: root });
    expect(code).toBe(0);
    const lineage = JSON.parse(await readFile(join(root, 'model', 'lineage.json'), 'utf8'));
    const manifest = JSON.parse(await readFile(join(root, 'splits', 'splits.json'), 'utf8'));
    expect(lineage.data.splits.train.sha256).toBe(manifest.splits.train.fingerprint.sha256);
    expect(lineage.code).toBeNull();
  });

  it('plans a matrix, runs its trials one by one, and collects the best', async () => {
    const root = await writeProject(tmp.path('plan'), PENGUINS_CONFIG + SEARCH);
    const plan = await runCli(['--json', 'train', 'plan', '--out', 'plan'], { cwd: root });
    expect(plan.code).toBe(0);
    const matrix = JSON.parse(await readFile(join(root, 'plan', 'matrix.json'), 'utf8'));
    expect(matrix.include).toEqual([{ id: 0 }, { id: 1 }, { id: 2 }]);
    for (const { id } of matrix.include) {
      const trial = await runCli(['train', 'trial', '--plan', 'plan', '--id', String(id)], { cwd: root });
      expect(trial.code).toBe(0);
      expect(trial.stdout).toMatch(
        new RegExp(`^Trial ${id} \\(\\w+\\): accuracy [\\d.]+ on the validation split`),
      );
    }
    const collect = await runCli(['train', 'collect', '--plan', 'plan', '--out', 'model'], { cwd: root });
    expect(collect.code).toBe(0);
    expect(collect.stdout).toMatch(
      /^Trained penguins-species \(multiclass\): 3 trials, random search, seed 2\./,
    );
    expect((await readdir(join(root, 'model'))).sort()).toEqual(OUTPUTS);
  });

  it('exits 2 with one line for bad input', async () => {
    const root = await writeProject(tmp.path('bad'), `${PENGUINS_CONFIG}train:\n  metric: rmse\n`);
    const metric = await runCli(['train', '--out', 'model'], { cwd: root });
    expect(metric.code).toBe(2);
    expect(metric.stderr).toBe(
      'modelgate: error: train.metric: rmse cannot score multiclass trials. Use one of log_loss, accuracy, balanced_accuracy, precision_macro, recall_macro, f1_macro, f1_weighted, roc_auc, brier.\n',
    );
    const parallel = await runCli(['train', '--out', 'model', '--parallel', '0'], { cwd: root });
    expect(parallel.stderr).toMatch(/--parallel 0: expected 1 or more/);
    const none = await runCli(['train', '--out', 'model'], { cwd: tmp.dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/train needs a config: no modelgate\.yaml here/);
    await expect(readdir(join(root, 'model'))).rejects.toThrow();
  });
});

// A user's trainer in node: logs, writes a checkpoint and ships a prebuilt model (or fails, as asked).
const BYO_TRAINER = `
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const out = process.env.MODELGATE_OUTPUT_DIR;
const model = process.env.MODELGATE_PARAM_MODEL;
const header = readFileSync(process.env.MODELGATE_TRAIN_CSV, 'utf8').split('\\n')[0];
console.log('training ' + model + ' on ' + header);
mkdirSync(out + '/ckpt', { recursive: true });
writeFileSync(out + '/ckpt/last.bin', 'weights');
if (model.startsWith('fail')) { console.error('ValueError: ' + model); process.exit(1); }
copyFileSync('models/' + model + '.onnx', out + '/model.onnx');
`;

async function writeByoProject(root: string, candidates: string): Promise<string> {
  await mkdir(join(root, 'data'), { recursive: true });
  await mkdir(join(root, 'models'), { recursive: true });
  const xs = Array.from({ length: 60 }, (_, i) => i / 2);
  const csv = xs.map((x) => `${x},${(x * 7) % 5},${ruleClass(x, 10, 20)}`).join('\n');
  await writeFile(join(root, 'data', 'bands.csv'), `x,z,y\n${csv}\n`);
  await writeFile(
    join(root, 'models', 'int-label.onnx'),
    ruleModel({ t1: 10, t2: 20, input: 'packed', outputs: 'label' }),
  );
  await writeFile(
    join(root, 'models', 'probs.onnx'),
    ruleModel({ t1: 12, t2: 20, input: 'columns', outputs: 'probabilities' }),
  );
  await writeFile(join(root, 'trainer.mjs'), BYO_TRAINER);
  await writeFile(
    join(root, 'modelgate.yaml'),
    `model: bands\ntask: multiclass\ntarget: y\ndata: data/bands.csv\nfeatures: [x, z]\nsplit: {validation: 0.25, test: 0.25, seed: 3}\ntrain:\n  metric: accuracy\n  search: {strategy: grid}\n  candidates:\n${candidates}`,
  );
  return root;
}

describe('modelgate train with your own trainer (command)', () => {
  it('trains, names the candidate, stamps the spec and keeps the trials’ output', async () => {
    const root = await writeByoProject(
      tmp.path('byo'),
      '    - command: node trainer.mjs\n      name: torch-mlp\n      params: {model: {choice: [int-label, probs]}}\n',
    );
    const { code, stdout, stderr } = await runCli(['--json', 'train', '--out', 'model'], { cwd: root });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const data = JSON.parse(stdout);
    expect(data.best).toMatchObject({ trial: 0, candidate: 'torch-mlp', params: { model: 'int-label' } });
    expect(data.outputs).toEqual(
      expect.arrayContaining([join('model', 'trials/'), join('model', 'trainer/')]),
    );
    const out = join(root, 'model');
    expect((await readdir(out)).sort()).toEqual([...OUTPUTS, 'trainer', 'trials'].sort());
    expect(await readFile(join(out, 'trials', '1', 'output.log'), 'utf8')).toBe('training probs on x,z,y\n');
    expect((await readdir(join(out, 'trainer'))).sort()).toEqual([
      'ckpt',
      'model.onnx',
      'output.log',
      'params.json',
    ]);
    const model = await openModel(join(out, 'model.onnx'), { registry: join(root, 'registry') });
    const spec = recordedSpec(model);
    expect(spec?.source).toBe('onnx-metadata');
    expect(spec?.spec).toEqual({
      task: 'multiclass',
      target: 'y',
      features: [
        { name: 'x', kind: 'numeric' },
        { name: 'z', kind: 'numeric' },
      ],
      classes: ['hi', 'lo', 'mid'],
    });
    expect(readOnnxMetadata(model.bytes)['modelgate.trainer']).toBe('torch-mlp');
    expect(JSON.parse(await readFile(join(out, 'metadata.json'), 'utf8')).trainer).toBe('torch-mlp');
  });

  it('when every trial fails: exit 2, each reason on its line, trials.json and the logs written', async () => {
    const root = await writeByoProject(
      tmp.path('byo-failing'),
      '    - command: node trainer.mjs\n      params: {model: {choice: [fail-a, fail-b]}}\n',
    );
    const { code, stderr } = await runCli(['train', '--out', 'model'], { cwd: root });
    expect(code).toBe(2);
    expect(stderr).toBe(
      [
        `modelgate: error: all 2 trials failed. No model was written; the trials are in ${join('model', 'trials.json')} and trials.md, each command trial's output under ${join('model', 'trials')}/<id>/.`,
        "  trial 0 (node trainer.mjs): command 'node trainer.mjs' failed (exit code 1). Last output: ValueError: fail-a",
        "  trial 1 (node trainer.mjs): command 'node trainer.mjs' failed (exit code 1). Last output: ValueError: fail-b",
        '',
      ].join('\n'),
    );
    const out = join(root, 'model');
    expect((await readdir(out)).sort()).toEqual(['trials', 'trials.json', 'trials.md']);
    expect(JSON.parse(await readFile(join(out, 'trials.json'), 'utf8')).best).toBeNull();
    expect(await readFile(join(out, 'trials', '1', 'output.log'), 'utf8')).toContain('ValueError: fail-b');
  });

  it('a plan’s jobs keep their output, and collect gathers it', async () => {
    const root = await writeByoProject(
      tmp.path('byo-plan'),
      '    - command: node trainer.mjs\n      params: {model: {choice: [probs, int-label]}}\n',
    );
    expect((await runCli(['train', 'plan', '--out', 'plan'], { cwd: root })).code).toBe(0);
    for (const id of ['0', '1', '1']) {
      const trial = await runCli(['train', 'trial', '--plan', 'plan', '--id', id], { cwd: root });
      expect(trial.code).toBe(0);
      expect(trial.stdout).toContain(`Its output: ${join('plan', 'trials', id, 'output')}/.`);
    }
    const collect = await runCli(['train', 'collect', '--plan', 'plan', '--out', 'model'], { cwd: root });
    expect(collect.code).toBe(0);
    expect(collect.stdout).toMatch(/Best: trial 1 \(node trainer\.mjs\)/);
    expect(await readFile(join(root, 'model', 'trainer', 'output.log'), 'utf8')).toBe(
      'training int-label on x,z,y\n',
    );
  });

  it('documents the contract in --help', async () => {
    const { stdout } = await runCli(['train', '--help']);
    for (const text of [
      '$MODELGATE_TRAIN_CSV',
      '$MODELGATE_SPEC',
      'trials/<id>/',
      'train.artifacts.max_mb',
      "'name:'",
    ]) {
      expect(stdout).toContain(text);
    }
  });
});
