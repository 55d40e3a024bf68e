import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withStagedOutputs } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useDatabase, useTempDir } from '../../core/test/fixtures.js';
import { type ModelSummary, runTraining, type TrainingRun, writeTrainingOutputs } from '../src/run/index.js';
import type { TrialsFile } from '../src/run/report.js';
import { configFor } from './train-fixtures.js';

const db = useDatabase();
const temp = useTempDir('train-e2e');

// End to end with the built-in trainers: the search, halving on gbdt's boosting rounds, the outputs.
const REGRESSION = `split: {validation: 0.2, test: 0.2, seed: 9}
train:
  metric: rmse
  search: {strategy: tpe, trials: 8, parallel: 2, seed: 3, halving: {min_budget: 0.25, eta: 2}}
  candidates:
    - algorithm: gbdt
      params: {learning_rate: {loguniform: [0.03, 0.3]}, max_leaves: {int: [4, 16]}, rounds: 40}
    - algorithm: linear
      params: {l2: {loguniform: [0.001, 10]}}
`;

async function train(
  name: string,
  parallel: number,
): Promise<{ run: TrainingRun; out: string; model: ModelSummary }> {
  const run = await runTraining(db(), {
    config: configFor('regression', REGRESSION, 'Body Mass (g)'),
    configFile: temp.path('modelgate.yaml'),
    source: { data: { path: dataset('penguins.json') }, out: temp.path(`${name}-splits`) },
    workDir: temp.path(`${name}-work`),
    parallel,
  });
  const out = temp.path(name);
  const { result } = await withStagedOutputs(out, (dir) => writeTrainingOutputs(db(), dir, run));
  return { run, out, model: result.model };
}

describe('modelgate train with the built-in trainers', () => {
  it('searches gbdt and linear with TPE and halving, and ships a model the runtime agrees with', async () => {
    const { run, out, model } = await train('serial', 1);
    const trials = JSON.parse(await readFile(join(out, 'trials.json'), 'utf8')) as TrialsFile;
    expect(trials.trials).toHaveLength(8);
    expect(trials.search).toMatchObject({ strategy: 'tpe', batch: 2, halving: { minBudget: 0.25, eta: 2 } });
    // gbdt trials start on a quarter of 40 rounds; linear has no budget and runs once.
    for (const t of trials.trials.filter((x) => x.algorithm === 'gbdt')) expect(t.rungs[0]?.budget).toBe(10);
    for (const t of trials.trials.filter((x) => x.algorithm === 'linear'))
      expect(t.rungs[0]?.budget).toBeNull();
    expect(trials.trials.filter((t) => t.status === 'ok')).toHaveLength(2);
    expect(trials.trials[0]?.best).toBe(true);
    expect(model.metric.name).toBe('rmse');
    // writeTrainingOutputs recomputed the metrics through onnxruntime: they match the search's.
    expect(model.metrics.rmse).toBeCloseTo(model.metric.value, 4);
    expect(model.metrics.r2).toBeGreaterThan(0.7);
    expect(
      run.problem.droppedRows.train + run.problem.droppedRows.validation + run.problem.droppedRows.test,
    ).toBe(2);
    expect(trials.data.warnings.join('\n')).toMatch(/target 'Body Mass \(g\)' is missing in/);
  });

  it('gives the same trials and byte-identical model.onnx with two worker processes', async () => {
    const serial = JSON.parse(
      await readFile(join(temp.path('serial'), 'metadata.json'), 'utf8'),
    ) as ModelSummary;
    const { run, model } = await train('parallel', 2);
    const trials = JSON.parse(await readFile(join(temp.path('serial'), 'trials.json'), 'utf8')) as TrialsFile;
    expect(run.result.trials.map((t) => t.rungs.map((r) => r.value))).toEqual(
      [...trials.trials].sort((a, b) => a.id - b.id).map((t) => t.rungs.map((r) => r.value)),
    );
    expect(model.onnx).toEqual(serial.onnx);
    expect(model.params).toEqual(serial.params);
  });
});
