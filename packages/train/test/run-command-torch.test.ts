import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openModel, recordedSpec } from '@modelgate/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useDatabase, useTempDir } from '../../core/test/fixtures.js';
import { runTraining, type TrainingRun, writeTrainingResult } from '../src/run/index.js';
import { configFor } from './train-fixtures.js';

const db = useDatabase();
const temp = useTempDir('train-torch');

// Models torch.onnx.export wrote (see packages/runtime/test/fixtures/byo/README.md), shipped by a command.
const FIXTURES = fileURLToPath(new URL('../../runtime/test/fixtures/byo/', import.meta.url));
const COPY = `import { copyFileSync } from 'node:fs';
copyFileSync(process.env.TORCH_FIXTURES + process.env.MODELGATE_PARAM_FILE, process.env.MODELGATE_OUTPUT_DIR + '/model.onnx');
`;
const FEATURES = '["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)"]';

const saved = { ...process.env };
beforeAll(async () => {
  await temp.write('copy.mjs', COPY);
  // For the binary model: the rows whose sex is recorded (penguins.json also has null and '.').
  const rows = JSON.parse(await readFile(dataset('penguins.json'), 'utf8')) as { Sex: string | null }[];
  await temp.write('sexed.json', JSON.stringify(rows.filter((r) => r.Sex === 'MALE' || r.Sex === 'FEMALE')));
  process.env.TORCH_FIXTURES = FIXTURES;
});
afterAll(() => {
  process.env = saved;
});

function train(
  data: string,
  name: string,
  task: 'multiclass' | 'binary' | 'regression',
  target: string,
  features: string,
  files: string[],
) {
  const metric = task === 'regression' ? 'rmse' : 'accuracy';
  const config = configFor(
    task,
    `features: ${features}\nsplit: {validation: 0.2, test: 0.2, seed: 5}\ntrain:\n  metric: ${metric}\n  search: {strategy: grid}\n  candidates:\n    - command: node copy.mjs\n      name: torch\n      params: {file: {choice: ${JSON.stringify(files)}}}\n`,
    target,
  );
  return runTraining(db(), {
    config,
    configFile: temp.path('modelgate.yaml'),
    source: { data: { path: data }, out: temp.path(`splits-${name}`) },
    workDir: temp.path(`work-${name}`),
  });
}

const errors = (run: TrainingRun) => run.result.trials.map((t) => t.rungs[0]?.error);

describe('torch-exported models through a command trial', () => {
  it('multiclass: packed probabilities, packed int label + probabilities, per-column int label', async () => {
    const run = await train(dataset('penguins.json'), 'species', 'multiclass', 'Species', FEATURES, [
      'packed-probabilities.onnx',
      'packed-label-int.onnx',
      'columns-label-int.onnx',
    ]);
    expect(errors(run)).toEqual([undefined, undefined, undefined]);
    for (const trial of run.result.trials) expect(trial.rungs[0]?.value).toBeGreaterThan(0.9);
  });

  it('binary: probabilities [N] of the second class', async () => {
    const run = await train(temp.path('sexed.json'), 'sex', 'binary', 'Sex', FEATURES, [
      'binary-positive.onnx',
    ]);
    expect(errors(run)).toEqual([undefined]);
    expect(run.result.trials[0]?.rungs[0]?.value).toBeGreaterThan(0.7);
  });

  it('regression: a variable [N,1] output; the shipped model records its spec', async () => {
    const run = await train(
      dataset('penguins.json'),
      'mass',
      'regression',
      'Body Mass (g)',
      '["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)"]',
      ['regression-variable.onnx'],
    );
    expect(errors(run)).toEqual([undefined]);
    expect(run.result.trials[0]?.rungs[0]?.value).toBeLessThan(600);
    const out = temp.path('out-mass');
    await writeTrainingResult(db(), out, run);
    const model = await openModel(join(out, 'model.onnx'), { registry: temp.path('none') });
    expect(recordedSpec(model)).toEqual({ spec: run.problem.spec, source: 'onnx-metadata' });
    expect(JSON.parse(await readFile(join(out, 'metadata.json'), 'utf8')).trainer).toBe('torch');
  });
});
