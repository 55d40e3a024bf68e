import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabase, useTempDir } from '../../core/test/fixtures.js';
import { prepareProblem } from '../src/data/index.js';
import { runTraining, type TrainingRun } from '../src/run/index.js';
import type { TrialRecord } from '../src/search/index.js';
import { constantOnnx } from './train-fixture-trainers.js';
import { configFor, writeSplitDirectory } from './train-fixtures.js';

const db = useDatabase();
const temp = useTempDir('train-command');

// A user's trainer, in node (no Python needed): copies a prepared model, or misbehaves as asked.
const TRAINER = `
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
const out = process.env.MODELGATE_OUTPUT_DIR;
const params = JSON.parse(readFileSync(process.env.MODELGATE_PARAMS_FILE, 'utf8'));
console.log('training with ' + JSON.stringify(params));
const seen = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('MODELGATE') || k.endsWith('_VISIBLE_DEVICES')));
writeFileSync(out + '/env.json', JSON.stringify(seen));
const mode = process.env.MODELGATE_PARAM_MODE;
if (mode === 'fail') { console.error('boom: the data is cursed'); process.exit(3); }
if (mode === 'sleep') { setTimeout(() => {}, 60000); }
else if (mode === 'garbage') writeFileSync(out + '/model.onnx', 'not an onnx model');
else if (mode !== 'nomodel') copyFileSync(process.env.TEST_MODELS + '/' + mode + '.onnx', out + '/model.onnx');
writeFileSync(out + '/metrics.json', JSON.stringify({ accuracy: 0.25, note: 'ignored' }));
`;

const CONFIG = `train:
  metric: accuracy
  search: {strategy: grid}
  candidates:
    - command: node trainer.mjs
      params: {mode: {choice: [good, fail, nomodel, garbage, wrong_input]}, depth: 3}
    - command: node trainer.mjs
      params: {mode: sleep}
      timeout_minutes: 0.02
`;

let run: TrainingRun;
const saved = { ...process.env };

function trial(mode: string): TrialRecord {
  const found = run.result.trials.find((t) => t.point.params.mode === mode);
  if (!found) throw new Error(`no trial with mode ${mode}`);
  return found;
}
const errorOf = (mode: string) => trial(mode).rungs[0]?.error ?? '';

beforeAll(async () => {
  const splits = await writeSplitDirectory(db(), temp.path('splits'), {
    schema: 'x DOUBLE, c VARCHAR, y VARCHAR',
    rows: {
      train: `(1, 'a', 'p'), (2, 'b', 'q'), (3, 'a', 'p'), (4, 'b', 'q'), (5, 'a', 'p')`,
      validation: `(5, 'a', 'p'), (6, 'b', 'q'), (7, 'a', 'p')`,
      // What CSV must carry intact: a null, an empty string, a comma, a quote and a line break.
      test: `(NULL, '', 'p'), (8.25, 'a,"b"' || chr(10) || 'c', NULL), (-0.5, NULL, 'q')`,
    },
  });
  const config = configFor('binary', CONFIG);
  const { spec } = await prepareProblem(db(), config, { splits });
  await writeFile(temp.path('good.onnx'), constantOnnx(spec, Float32Array.of(0.7, 0.3), 'logistic'));
  const renamed = { ...spec, features: spec.features.map((f) => ({ ...f, name: `${f.name}_renamed` })) };
  await writeFile(
    temp.path('wrong_input.onnx'),
    constantOnnx(renamed, Float32Array.of(0.7, 0.3), 'logistic'),
  );
  await temp.write('trainer.mjs', TRAINER);
  process.env.TEST_MODELS = temp.dir;
  process.env.CUDA_VISIBLE_DEVICES = '1';
  process.env.NVIDIA_VISIBLE_DEVICES = 'all';
  run = await runTraining(db(), {
    config,
    configFile: temp.path('modelgate.yaml'),
    source: { splits },
    workDir: temp.path('work'),
  });
});

afterAll(() => {
  process.env = saved;
});

describe('bring-your-own trainer (command)', () => {
  it('scores the model it writes on validation with the toolkit metric, keeping metrics.json as info', () => {
    const good = trial('good');
    expect(good.status).toBe('ok');
    // The constant model says 'p' for every row: 2 of 3 validation rows.
    expect(good.rungs[0]?.value).toBeCloseTo(2 / 3, 9);
    expect(good.rungs[0]?.info).toMatchObject({ accuracy: 0.25, inputs: 2 });
    expect(run.result.best).toBe(good.id);
  });

  it('passes split paths, parameters, the output directory and CUDA_VISIBLE_DEVICES', async () => {
    const dir = join(temp.path('work'), `trial-${trial('good').id}`);
    const env = JSON.parse(await readFile(join(dir, 'env.json'), 'utf8'));
    expect(env.MODELGATE_TRAIN).toBe(temp.path('splits', 'train.parquet'));
    expect(env.MODELGATE_VALIDATION).toBe(temp.path('splits', 'validation.parquet'));
    expect(env.MODELGATE_TEST).toBe(temp.path('splits', 'test.parquet'));
    expect(env.MODELGATE_OUTPUT_DIR).toBe(dir);
    expect(JSON.parse(env.MODELGATE_PARAMS_JSON)).toEqual({ mode: 'good', depth: 3 });
    expect(env.MODELGATE_PARAM_MODE).toBe('good');
    expect(env.MODELGATE_PARAM_DEPTH).toBe('3');
    expect(env.MODELGATE_TASK).toBe('binary');
    expect(JSON.parse(env.MODELGATE_CLASSES)).toEqual(['p', 'q']);
    expect(env.CUDA_VISIBLE_DEVICES).toBe('1');
    expect(env.NVIDIA_VISIBLE_DEVICES).toBe('all');
    expect(JSON.parse(env.MODELGATE_SPEC)).toEqual({
      task: 'binary',
      target: 'y',
      features: [
        { name: 'x', kind: 'numeric' },
        { name: 'c', kind: 'categorical', categories: ['a', 'b'] },
      ],
      classes: ['p', 'q'],
    });
    expect(JSON.parse(env.MODELGATE_SPEC)).toEqual(run.problem.spec);
    expect(JSON.parse(env.MODELGATE_FEATURES)).toEqual(['x', 'c']);
    expect(env.MODELGATE_TARGET).toBe('y');
    expect(env.MODELGATE_SEED).toBe(String(run.settings.seed));
    expect(JSON.parse(await readFile(join(dir, 'params.json'), 'utf8'))).toEqual({ mode: 'good', depth: 3 });
    expect(await readFile(join(dir, 'output.log'), 'utf8')).toContain(
      'training with {"mode":"good","depth":3}',
    );
  });

  it('hands the splits as CSV too, written once for the run, reading back equal to the Parquet rows', async () => {
    const envs = await Promise.all(
      run.result.trials
        .filter((t) => !['fail', 'sleep'].includes(String(t.point.params.mode)))
        .map(async (t) =>
          JSON.parse(await readFile(join(temp.path('work'), `trial-${t.id}`, 'env.json'), 'utf8')),
        ),
    );
    for (const split of ['TRAIN', 'VALIDATION', 'TEST']) {
      const csv = envs[0][`MODELGATE_${split}_CSV`];
      expect(csv).toBe(temp.path('work', 'splits-csv', `${split.toLowerCase()}.csv`));
      // One file for every trial of the run.
      expect(new Set(envs.map((e) => e[`MODELGATE_${split}_CSV`]))).toEqual(new Set([csv]));
      const parquet = envs[0][`MODELGATE_${split}`];
      const fromParquet = await db().rows(`SELECT * FROM read_parquet('${parquet}')`);
      const fromCsv = await db().rows(
        `SELECT * FROM read_csv('${csv}', header = true, allow_quoted_nulls = false, columns = {'x': 'DOUBLE', 'c': 'VARCHAR', 'y': 'VARCHAR'})`,
      );
      expect(fromCsv).toEqual(fromParquet);
    }
    const test = await readFile(envs[0].MODELGATE_TEST_CSV, 'utf8');
    expect(test).toBe('x,c,y\n,"",p\n8.25,"a,""b""\nc",\n-0.5,,q\n');
  });

  it('a failing command: its exit code and the tail of its output', () => {
    expect(trial('fail').status).toBe('failed');
    expect(errorOf('fail')).toMatch(
      /^command 'node trainer\.mjs' failed \(exit code 3\)\.\nLast lines of its output:\n/,
    );
    expect(errorOf('fail')).toContain('training with {"mode":"fail","depth":3}\nboom: the data is cursed');
  });

  it('a command that outlives its timeout is stopped', () => {
    expect(errorOf('sleep')).toMatch(
      /^command 'node trainer\.mjs' ran longer than its timeout \(0\.02 min\) and was stopped\./,
    );
  });

  it('no model.onnx, or one that is not ONNX', () => {
    expect(errorOf('nomodel')).toMatch(/finished but wrote no model\.onnx into \$MODELGATE_OUTPUT_DIR/);
    expect(errorOf('garbage')).toMatch(
      /model\.onnx: not a valid ONNX model: .*\nLast lines of its output:\ntraining with/s,
    );
  });

  it('a model whose inputs do not match the data', () => {
    expect(errorOf('wrong_input')).toMatch(
      /model\.onnx \(from 'node trainer\.mjs'\) does not fit the data: model input 'x_renamed' matches no feature column \(features: x, c\)/,
    );
  });
});
