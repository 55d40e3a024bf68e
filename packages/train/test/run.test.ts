import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError, withStagedOutputs } from '@modelgate/core';
import { createSession, readSignature, runOnColumns } from '@modelgate/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { expectUserError, useDatabase, useTempDir } from '../../core/test/fixtures.js';
import {
  codeVersion,
  configHash,
  detectGpus,
  runTraining,
  type TrainOptions,
  writeTrainingOutputs,
  writeTrainingResult,
} from '../src/run/index.js';
import type { TrialsFile } from '../src/run/report.js';
import { configFor } from './train-fixtures.js';

const db = useDatabase();
const temp = useTempDir('train-run');
const trainerModule = fileURLToPath(new URL('./train-fixture-trainers.ts', import.meta.url));
const penguins = dataset('penguins.json');

let runs = 0;
function options(
  yaml: string,
  task: 'multiclass' | 'regression',
  target: string,
  extra: Partial<TrainOptions> = {},
): TrainOptions {
  const id = runs++;
  return {
    config: configFor(task, yaml, target),
    configFile: temp.path('modelgate.yaml'),
    source: { data: { path: penguins }, out: temp.path(`splits-${id}`) },
    workDir: temp.path(`work-${id}`),
    trainerModule,
    ...extra,
  };
}

const regression = (search: string, params: string) =>
  `train:\n  metric: mae\n  search: ${search}\n  candidates:\n    - algorithm: linear\n      params: ${params}\n`;

describe('runTraining with fixture trainers', () => {
  it('records a failing trial without ending the search, and picks the best of the rest', async () => {
    const run = await runTraining(
      db(),
      options(
        regression('{strategy: grid}', '{shift: {choice: [300, 0, 2000]}, fail: {choice: [false, true]}}'),
        'regression',
        'Body Mass (g)',
      ),
    );
    const trials = run.result.trials;
    expect(trials).toHaveLength(6);
    expect(trials.filter((t) => t.status === 'failed').map((t) => t.point.params.fail)).toEqual([
      true,
      true,
      true,
    ]);
    expect(trials[1]?.rungs[0]?.error).toBe('this trial was asked to fail');
    const best = trials.find((t) => t.id === run.result.best);
    expect(best?.point.params).toEqual({ shift: 0, fail: false });
    expect(
      run.problem.droppedRows.train + run.problem.droppedRows.validation + run.problem.droppedRows.test,
    ).toBe(2);
  });

  it('when every trial fails, writes trials.json and trials.md (no model) and lists each reason', async () => {
    const run = await runTraining(
      db(),
      options(
        regression('{strategy: grid}', '{fail: true, shift: {choice: [0, 1]}}'),
        'regression',
        'Body Mass (g)',
      ),
    );
    expect(run.result.best).toBeUndefined();
    const out = temp.path('all-failed');
    const error = (await writeTrainingResult(db(), out, run).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(
      /^all 2 trials failed\. No model was written; the trials are in .*all-failed\/trials\.json and trials\.md\.$/,
    );
    expect(error.details).toEqual([
      'trial 0 (linear): this trial was asked to fail',
      'trial 1 (linear): this trial was asked to fail',
    ]);
    expect((await readdir(out)).sort()).toEqual(['trials.json', 'trials.md']);
    const trials = JSON.parse(await readFile(join(out, 'trials.json'), 'utf8')) as TrialsFile;
    expect(trials.best).toBeNull();
    expect(trials.trials.map((t) => [t.id, t.status, t.error])).toEqual([
      [0, 'failed', 'this trial was asked to fail'],
      [1, 'failed', 'this trial was asked to fail'],
    ]);
    expect(await readFile(join(out, 'trials.md'), 'utf8')).toContain('No trial succeeded.');
  });

  it('refuses, before any trial, an algorithm that cannot do the task or an unknown parameter', async () => {
    await expectUserError(
      runTraining(
        db(),
        options('train:\n  candidates: [{algorithm: logistic}]\n', 'regression', 'Body Mass (g)'),
      ),
      /train\.candidates\[0\]: algorithm 'logistic' does not do regression/,
    );
    await expectUserError(
      runTraining(db(), options(regression('{strategy: grid}', '{depth: 3}'), 'regression', 'Body Mass (g)')),
      /train\.candidates\[0\]\.params\.depth: 'linear' has no parameter 'depth'\. Its parameters: shift, rounds, fail, crash\./,
    );
    await expectUserError(
      runTraining(db(), options('train:\n  candidates: [{algorithm: mlp}]\n', 'multiclass', 'Species')),
      /algorithm 'mlp' is not available yet/,
    );
  });

  it('gives the same trials with worker processes as in process, and survives a worker dying', async () => {
    const yaml = regression(
      '{strategy: random, trials: 6, seed: 5}',
      '{shift: {uniform: [-200, 200]}, crash: {choice: [false, false, true]}}',
    );
    const inProcessYaml = yaml.replace(
      'crash: {choice: [false, false, true]}',
      'crash: {choice: [false, false, false]}',
    );
    // In-process, a crash would end the test run: compare on a crash-free variant with the same draws.
    const one = await runTraining(
      db(),
      options(inProcessYaml, 'regression', 'Body Mass (g)', { parallel: 1 }),
    );
    const two = await runTraining(db(), options(yaml, 'regression', 'Body Mass (g)', { parallel: 2 }));
    const crashed = two.result.trials.filter((t) => t.point.params.crash === true);
    expect(crashed.length).toBeGreaterThan(0);
    for (const t of crashed) expect(t.rungs[0]?.error).toMatch(/worker process died \(exit code 7\)/);
    const survivors = two.result.trials.filter((t) => t.point.params.crash !== true);
    expect(survivors.length).toBeGreaterThan(0);
    for (const t of survivors) {
      const same = one.result.trials[t.id];
      expect(same?.point.params.shift).toBe(t.point.params.shift);
      expect(same?.rungs[0]?.value).toBe(t.rungs[0]?.value);
    }
  });

  it('halves with the trainer budget: all start small, the best third goes on', async () => {
    const run = await runTraining(
      db(),
      options(
        regression(
          '{strategy: random, trials: 9, seed: 2, halving: {min_budget: 0.3, eta: 3}}',
          '{shift: {uniform: [-300, 300]}}',
        ),
        'regression',
        'Body Mass (g)',
      ),
    );
    const { trials } = run.result;
    expect(trials.every((t) => t.rungs[0]?.budget === 3)).toBe(true);
    const finished = trials.filter((t) => t.status === 'ok');
    expect(finished).toHaveLength(3);
    for (const t of finished) expect(t.rungs[1]?.budget).toBeUndefined();
    expect(trials.filter((t) => t.status === 'stopped')).toHaveLength(6);
  });
});

describe('writeTrainingOutputs', () => {
  it('writes the best model as trained, the trials sorted with the best marked, params and lineage', async () => {
    const opts = options(
      'train:\n  metric: log_loss\n  search: {strategy: grid}\n  candidates:\n    - algorithm: logistic\n      params: {smooth: {choice: [1000, 0.5, 100]}, fail: {choice: [false, true]}}\n',
      'multiclass',
      'Species',
    );
    const run = await runTraining(db(), opts);
    const out = temp.path('outputs');
    const { result } = await withStagedOutputs(out, (dir) => writeTrainingOutputs(db(), dir, run));
    const trials = JSON.parse(await readFile(join(out, 'trials.json'), 'utf8')) as TrialsFile;
    expect(trials.trials.map((t) => [t.status, t.params.smooth])).toEqual([
      ['ok', 0.5],
      ['ok', 100],
      ['ok', 1000],
      ['failed', 1000],
      ['failed', 0.5],
      ['failed', 100],
    ]);
    expect(trials.trials.map((t) => t.best)).toEqual([true, false, false, false, false, false]);
    expect(trials.trials.map((t) => t.rank)).toEqual([1, 2, 3, null, null, null]);
    expect(trials.metric).toEqual({ name: 'log_loss', lowerIsBetter: true, split: 'validation' });
    expect(Object.keys(trials.trials[0]?.metrics ?? {})).toEqual(['log_loss', 'accuracy']);
    const md = await readFile(join(out, 'trials.md'), 'utf8');
    expect(md).toContain('Best: trial 2 (logistic), log_loss **');
    expect(md).toMatch(/\| 1 \| 2 \| logistic \| smooth=0.5, fail=false \|/);
    expect(md).toContain('<details><summary>Failed trials</summary>');

    const params = JSON.parse(await readFile(join(out, 'params.json'), 'utf8'));
    expect(params).toEqual({
      trial: 2,
      algorithm: 'logistic',
      params: { smooth: 0.5, fail: false, crash: false },
      seed: 42,
    });
    const lineage = JSON.parse(await readFile(join(out, 'lineage.json'), 'utf8'));
    expect(lineage.config.sha256).toBe(configHash(opts.config));
    expect(lineage.data.source.files[0].path).toBe(penguins);
    expect(lineage.data.splits.train.rows).toBe(run.problem.sets.train.rows);
    expect(lineage.toolkit.name).toBe('modelgate');

    const bytes = new Uint8Array(await readFile(join(out, 'model.onnx')));
    const session = await createSession(bytes);
    const predictions = await runOnColumns(session, run.problem.spec, run.problem.sets.validation);
    // The shipped model is trial 2's model as trained, byte for byte.
    expect(bytes).toEqual(new Uint8Array(await readFile(run.modelPath(2))));
    expect(predictions.label?.length).toBe(run.problem.sets.validation.rows);
    expect(readSignature(session).inputs.map((i) => i.name)).toEqual(
      run.problem.spec.features.map((f) => f.name),
    );
    expect(result.model.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(result.model.metric.value).toBe(trials.trials[0]?.value);
    const profile = JSON.parse(await readFile(join(out, 'reference-profile.json'), 'utf8'));
    expect(profile.rows).toBe(run.problem.datasets.train.rowCount);
    expect(Object.keys(profile.columns)).toContain('Species');
  });
});

describe('lineage helpers', () => {
  const savedPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it('reads the commit of a git checkout, and none outside one', async () => {
    const here = await codeVersion(process.cwd());
    expect(here?.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await codeVersion(temp.dir)).toBeUndefined();
  });

  it('records the GPUs nvidia-smi lists, and nothing without it', async () => {
    process.env.PATH = temp.dir;
    expect(await detectGpus()).toBeUndefined();
    const fake = await temp.write(
      'nvidia-smi',
      // What `nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv` prints.
      '#!/bin/sh\necho "index, name, memory.total [MiB], driver_version"\necho "0, NVIDIA A100-SXM4-40GB, 40960 MiB, 535.104.05"\necho "1, Tesla T4, 15360 MiB, 535.104.05"\n',
    );
    await chmod(fake, 0o755);
    expect(await detectGpus()).toEqual([
      { name: 'NVIDIA A100-SXM4-40GB', memory: '40960 MiB' },
      { name: 'Tesla T4', memory: '15360 MiB' },
    ]);
    await writeFile(fake, '#!/bin/sh\nexit 9\n');
    expect(await detectGpus()).toBeUndefined();
  });
});
