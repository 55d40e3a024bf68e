import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { withStagedOutputs } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { expectUserError, useDatabase, useTempDir } from '../../core/test/fixtures.js';
import {
  collectPlan,
  plannedTrialDir,
  readPlan,
  runPlannedTrial,
  runTraining,
  writePlan,
  writeTrainingOutputs,
} from '../src/run/index.js';
import { configFor } from './train-fixtures.js';

const db = useDatabase();
const temp = useTempDir('train-plan');

const YAML = `split: {validation: 0.2, test: 0.2, seed: 4}
train:
  metric: accuracy
  search: {strategy: random, trials: 4, seed: 11}
  candidates:
    - algorithm: gbdt
      params: {learning_rate: {loguniform: [0.05, 0.5]}, rounds: 20, min_samples_leaf: {int: [5, 30]}}
    - algorithm: logistic
`;
const config = configFor('multiclass', YAML, 'Species');
const configFile = 'modelgate.yaml';

describe('plan, trial, collect', () => {
  it('gives the trials and the model that train gives in one run', async () => {
    const planDir = temp.path('plan');
    await withStagedOutputs(planDir, (dir) =>
      writePlan(db(), dir, { config, configFile, source: { data: { path: dataset('penguins.json') } } }),
    );
    const matrix = JSON.parse(await readFile(join(planDir, 'matrix.json'), 'utf8'));
    expect(matrix).toEqual({ include: [{ id: 0 }, { id: 1 }, { id: 2 }, { id: 3 }] });
    const plan = await readPlan(planDir);
    expect(plan.trials.map((t) => t.label)).toHaveLength(4);

    // Jobs finish in any order; one artifact lands a folder deeper, as download-artifact may put it.
    for (const id of [3, 1, 0, 2]) {
      const out = id === 2 ? join(planDir, 'trials', 'trial-2', 'nested') : plannedTrialDir(planDir, id);
      await withStagedOutputs(out, (dir) => runPlannedTrial(db(), plan, planDir, id, dir));
    }
    const collected = await collectPlan(db(), planDir);
    expect(collected.missing).toEqual([]);

    const direct = await runTraining(db(), {
      config,
      configFile,
      source: { splits: join(planDir, 'splits') },
      workDir: temp.path('direct-work'),
    });
    expect(collected.result.best).toBe(direct.result.best);
    expect(collected.result.trials.map((t) => [t.point, t.rungs[0]?.value])).toEqual(
      direct.result.trials.map((t) => [t.point, t.rungs[0]?.value]),
    );
    const viaPlan = await withStagedOutputs(temp.path('out-plan'), (dir) =>
      writeTrainingOutputs(db(), dir, collected),
    );
    const viaTrain = await withStagedOutputs(temp.path('out-train'), (dir) =>
      writeTrainingOutputs(db(), dir, direct),
    );
    expect(viaPlan.result.model.onnx).toEqual(viaTrain.result.model.onnx);
  });

  it('counts a trial without a result as failed', async () => {
    const planDir = temp.path('plan');
    await rm(plannedTrialDir(planDir, 3), { recursive: true });
    const collected = await collectPlan(db(), planDir);
    expect(collected.missing).toEqual([3]);
    expect(collected.result.trials[3]?.status).toBe('failed');
    expect(collected.result.trials[3]?.rungs[0]?.error).toMatch(/no result\.json for this trial/);
  });

  it('refuses a trial id the plan lacks', async () => {
    const plan = await readPlan(temp.path('plan'));
    await expectUserError(
      runPlannedTrial(db(), plan, temp.path('plan'), 9, temp.path('nine')),
      /--id 9: the plan has trials 0 to 3/,
    );
  });

  it('refuses TPE and successive halving, which choose trials from earlier results', async () => {
    for (const [search, message] of [
      ['{strategy: tpe, trials: 4}', /strategy tpe proposes each trial from the results of earlier ones/],
      [
        '{strategy: random, trials: 4, halving: {min_budget: 0.3}}',
        /successive halving .* cannot be fixed ahead/,
      ],
    ] as const) {
      const c = configFor(
        'multiclass',
        `train:\n  search: ${search}\n  candidates: [{algorithm: gbdt, params: {learning_rate: {uniform: [0.1, 0.2]}}}]\n`,
        'Species',
      );
      await expectUserError(
        writePlan(db(), temp.path('refused'), {
          config: c,
          configFile,
          source: { splits: temp.path('plan', 'splits') },
        }),
        message,
      );
    }
  });
});
