import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { computeMetrics, type ModelgateConfig, quoteLiteral } from '@modelgate/core';
import { createSession, type ModelFile, readModelPath } from '@modelgate/runtime';
import type { PreparedProblem } from '@modelgate/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectUserError, useDatabase, useTempDir } from '../../core/test/fixtures.js';
import {
  type EvaluateRequest,
  type EvaluationDocument,
  encodeHoldout,
  evaluateModels,
  loadHoldout,
  metricJson,
  predictHoldout,
} from '../src/index.js';
import {
  PENGUINS_DATA,
  packedClassifier,
  penguinsConfig,
  penguinsProblem,
  trainModel,
  withoutMetadata,
  writeModel,
} from './penguin-models.js';

const db = useDatabase();
const tmp = useTempDir('evaluate-models');

const GATE = `gate:
  accuracy: {min: 0.9, non_inferiority: 0.05, per_slice: true}
  log_loss: {max: 1}
  model_size_mb: {max: 10}
  latency_p99_ms: {max: 10000}
evaluate:
  bootstrap: {resamples: 200, seed: 3}
  latency: {runs: 20, warmup: 2}
  throughput: {batch_rows: 100, runs: 2}
  min_slice_size: 10
`;

describe('evaluating penguins models on the holdout', () => {
  let config: ModelgateConfig;
  let problem: PreparedProblem;
  let challenger: ModelFile;
  let champion: ModelFile;
  let splits: string;
  const request = (extra: Partial<EvaluateRequest> = {}): EvaluateRequest => ({
    config,
    challenger,
    splits,
    workDir: tmp.path('work'),
    ...extra,
  });

  beforeAll(async () => {
    config = penguinsConfig(GATE);
    problem = await penguinsProblem(db(), config, tmp.dir);
    splits = tmp.path('splits');
    challenger = await readModelPath(
      await writeModel(tmp.dir, 'logistic', await trainModel(problem, 'logistic')),
      '--model',
    );
    champion = await readModelPath(
      await writeModel(tmp.dir, 'gbdt', await trainModel(problem, 'gbdt', { rounds: 20 })),
      '--baseline',
    );
  });

  it('encodes the holdout exactly as training encoded the test split', async () => {
    const holdout = await loadHoldout(db(), { path: join(splits, 'test.parquet') }, 'Species');
    const { set } = await encodeHoldout(db(), holdout, problem.spec, 'model');
    expect(set).toEqual(problem.sets.test);
  });

  let withChampion: EvaluationDocument;
  it('compares the challenger with the champion on the same rows, every rule with a reason', async () => {
    withChampion = await evaluateModels(db(), request({ champion }));
    const doc = withChampion;
    expect(doc.version).toBe(2);
    expect(doc.holdout).toMatchObject({ rows: problem.sets.test.rows, droppedRows: 0 });
    expect(doc.holdout.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.gate.champion).toBe(true);
    expect(doc.gate.rules.map((o) => `${o.metric}.${o.rule}`)).toEqual([
      'accuracy.min',
      'accuracy.non_inferiority',
      'accuracy.per_slice',
      'log_loss.max',
      'model_size_mb.max',
      'latency_p99_ms.max',
    ]);
    for (const outcome of doc.gate.rules) expect(outcome.reason.length).toBeGreaterThan(10);
    expect(doc.verdict).toBe(doc.gate.pass ? 'pass' : 'fail');
    expect(doc.champion).toMatchObject({
      label: champion.path,
      sha256: champion.sha256,
      spec: 'onnx-metadata',
    });
    expect(doc.comparisons.map((c) => c.metric)).toEqual(['accuracy', 'log_loss']);
    const accuracy = doc.comparisons.find((c) => c.metric === 'accuracy');
    expect(accuracy?.mcnemar).toBeDefined();
    expect(accuracy?.interval).toMatchObject({ method: 'tango-score', level: 0.95, rows: doc.holdout.rows });
    expect(doc.comparisons.find((c) => c.metric === 'log_loss')?.interval).toMatchObject({
      method: 'paired-bootstrap',
      replicates: 200,
      seed: 3,
    });
    const rule = doc.gate.rules.find((o) => o.rule === 'non_inferiority');
    expect(rule?.power).toMatchObject({ rows: doc.holdout.rows });
    expect(doc.gate).toMatchObject({ source: 'configured', note: null, level: 0.95 });
  });

  it('reports the metrics of the predictions onnxruntime gives', async () => {
    const session = await createSession(challenger.bytes);
    const predictions = await predictHoldout(session, problem.spec, problem.sets.test);
    await session.release();
    const expected = Object.fromEntries(
      Object.entries(computeMetrics(predictions, { eceBins: 10 })).map(([k, v]) => [k, metricJson(v)]),
    );
    expect(withChampion.metrics).toMatchObject(expected);
    expect(withChampion.challenger.metrics).toEqual(withChampion.metrics);
  });

  it('records costs as measured: present and positive', () => {
    for (const model of [withChampion.challenger, withChampion.champion]) {
      const costs = model?.costs;
      expect(costs?.model_size_mb).toBeCloseTo((model?.bytes ?? 0) / 1024 / 1024, 12);
      expect(costs?.latency_p50_ms).toBeGreaterThan(0);
      expect(costs?.latency_p99_ms).toBeGreaterThanOrEqual(costs?.latency_p50_ms ?? 0);
      expect(costs?.throughput_rows_per_s).toBeGreaterThan(0);
    }
    expect(withChampion.metrics.latency_p99_ms).toBe(withChampion.challenger.costs?.latency_p99_ms);
  });

  it('keeps per-class scores, downsampled curves and slices', () => {
    const { challenger: entry, slices } = withChampion;
    expect(entry.perClass?.map((c) => c.name)).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(entry.confusionMatrix?.flat().reduce((a, b) => a + b, 0)).toBe(withChampion.holdout.rows);
    if (entry.curves.kind !== 'classification') throw new Error('expected classification curves');
    for (const c of entry.curves.perClass) {
      if ('undefined' in c.roc) throw new Error(c.roc.undefined);
      expect(c.roc.fpr.length).toBeLessThanOrEqual(100);
      expect(c.roc.thresholds[0]).toBeNull();
    }
    expect(slices.columns).toEqual(problem.spec.features.map((f) => f.name));
    expect(slices.metric).toBe('accuracy');
    const island = slices.entries.filter((s) => s.column === 'Island').map((s) => s.value);
    expect(island).toEqual(['Biscoe', 'Dream', 'Torgersen']);
    const scored = slices.entries.find((s) => !s.tooSmall);
    expect(scored?.champion?.accuracy).toBeTypeOf('number');
  });

  it('uses the absolute thresholds alone without a champion, and says so', async () => {
    const doc = await evaluateModels(db(), request({ championNote: 'no production version yet' }));
    expect(doc.champion).toBeNull();
    expect(doc.championNote).toBe('no production version yet');
    expect(doc.gate.summary).toMatch(
      /no champion yet: the gate uses the absolute thresholds \(min, max\) alone/,
    );
    const skipped = doc.gate.rules.filter((o) => o.status === 'skipped').map((o) => o.rule);
    expect(skipped).toEqual(['non_inferiority', 'per_slice']);
    expect(doc.comparisons).toEqual([]);
  });

  it('splits the configured data itself when given neither a holdout nor splits', async () => {
    const doc = await evaluateModels(db(), {
      config,
      challenger,
      data: { path: PENGUINS_DATA },
      workDir: tmp.path('work-split'),
    });
    expect(doc.holdout).toMatchObject({
      source: `the test split of ${PENGUINS_DATA} (stratified split, seed 7)`,
      files: [PENGUINS_DATA],
      rows: problem.sets.test.rows,
    });
    expect(doc.metrics.accuracy).toBe(withChampion.metrics.accuracy);
  });

  it('takes the spec of a bring-your-own model from metadata.json, else from the training data', async () => {
    const stripped = withoutMetadata(challenger.bytes);
    const fromSummary = await readModelPath(
      await writeModel(tmp.dir, 'byo-summary', stripped, problem.spec),
      '--model',
    );
    const fromData = await readModelPath(await writeModel(tmp.dir, 'byo', stripped), '--model');
    const a = await evaluateModels(db(), request({ challenger: fromSummary }));
    const b = await evaluateModels(db(), request({ challenger: fromData }));
    expect(a.challenger.spec).toBe('metadata.json');
    expect(b.challenger.spec).toBe('training-data');
    expect(a.metrics.accuracy).toBe(withChampion.metrics.accuracy);
    expect(b.metrics.log_loss).toBe(withChampion.metrics.log_loss);
    await expectUserError(
      evaluateModels(db(), {
        config,
        challenger: fromData,
        holdout: { path: join(splits, 'test.parquet') },
        workDir: tmp.path('work-none'),
      }),
      /records no spec .* Pass --config with data, --splits <dir>, or describe the model with --spec <file> \(or --features and --classes\)\.$/,
    );
  });

  it('warns about categories the model never saw, which it gets as missing', async () => {
    const file = tmp.path('anvers.csv');
    await db().run(
      `COPY (SELECT * REPLACE (CASE WHEN "Body Mass (g)" > 4500 THEN 'Anvers' ELSE "Island" END AS "Island")
        FROM read_parquet(${quoteLiteral(join(splits, 'test.parquet'))})) TO ${quoteLiteral(file)} (HEADER)`,
    );
    const doc = await evaluateModels(db(), request({ holdout: { path: file } }));
    expect(doc.warnings).toEqual([
      expect.stringMatching(
        /feature 'Island' has \d+ holdout rows with a category training never saw \(e\.g\. 'Anvers'\)/,
      ),
    ]);
  });
});

describe('binary and regression models', () => {
  const SMALL =
    'evaluate:\n  bootstrap: {resamples: 100}\n  latency: {runs: 5, warmup: 1}\n  throughput: {batch_rows: 50, runs: 1}\n';

  it.each([
    ['binary', 'task: binary\ntarget: Sex', 'logistic', 'roc_auc'],
    ['regression', 'task: regression\ntarget: Body Mass (g)', 'linear', 'r2'],
  ] as const)('evaluates a %s model, champion and all', async (task, head, algorithm, metric) => {
    const dir = tmp.path(task);
    // Sex is null or '.' in a few rows: the binary problem keeps the penguins whose sex is known.
    const data = tmp.path(`${task}.csv`);
    await db().run(
      `COPY (SELECT * FROM read_json_auto(${quoteLiteral(PENGUINS_DATA)}) WHERE "Sex" IN ('MALE', 'FEMALE')) TO ${quoteLiteral(data)} (HEADER)`,
    );
    const config = penguinsConfig(
      `gate:\n  ${metric}: {min: 0.5, non_inferiority: 0.1}\n${SMALL}`,
      head,
      data,
    );
    const problem = await penguinsProblem(db(), config, dir);
    const a = await readModelPath(await writeModel(dir, 'a', await trainModel(problem, algorithm)), '-m');
    const b = await readModelPath(
      await writeModel(dir, 'b', await trainModel(problem, 'gbdt', { rounds: 10 })),
      '-m',
    );
    const doc = await evaluateModels(db(), {
      config,
      challenger: a,
      champion: b,
      splits: join(dir, 'splits'),
      workDir: dir,
    });
    expect(doc.task).toBe(task);
    expect(doc.metrics[metric]).toBeTypeOf('number');
    expect(doc.gate.rules.map((o) => o.rule)).toEqual(['min', 'non_inferiority']);
    expect(doc.comparisons.map((c) => c.metric)).toContain(metric);
    expect(doc.challenger.curves.kind).toBe(task === 'regression' ? 'regression' : 'classification');
    if (doc.challenger.curves.kind === 'classification') {
      expect(doc.challenger.curves.perClass.map((c) => c.name)).toEqual(['MALE']);
    }
  });
});

describe('bad input: one clear error naming what is wrong', () => {
  let config: ModelgateConfig;
  let model: ModelFile;
  const csv = async (name: string, sql: string) => {
    const file = tmp.path(name);
    await db().run(`COPY (${sql}) TO ${quoteLiteral(file)} (HEADER)`);
    return file;
  };
  const penguins = `read_json_auto(${quoteLiteral(PENGUINS_DATA)})`;
  const run = (holdout: string, extra: Partial<EvaluateRequest> = {}) =>
    evaluateModels(db(), {
      config,
      challenger: model,
      holdout: { path: holdout },
      workDir: tmp.path('bad'),
      ...extra,
    });

  beforeAll(async () => {
    config = penguinsConfig();
    const problem = await penguinsProblem(db(), config, tmp.path('bad-input'));
    model = await readModelPath(
      await writeModel(tmp.dir, 'bad-logistic', await trainModel(problem, 'logistic')),
      '-m',
    );
  });

  it('a feature column missing from the holdout', async () => {
    const file = await csv('no-island.csv', `SELECT * EXCLUDE ("Island") FROM ${penguins}`);
    await expectUserError(
      run(file),
      /no-island\.csv: the holdout has no column 'Island', a categorical feature of .*model\.onnx/,
    );
  });

  it('a numeric feature holding text', async () => {
    const file = await csv(
      'text-beak.csv',
      `SELECT * REPLACE ('long' || CAST("Beak Length (mm)" AS VARCHAR) AS "Beak Length (mm)") FROM ${penguins}`,
    );
    await expectUserError(
      run(file),
      /column 'Beak Length \(mm\)' is VARCHAR \(\w+\), but .* takes it as a number/,
    );
  });

  it('a model expecting another number of features', async () => {
    const narrow = await readModelPath(
      await writeModel(tmp.dir, 'narrow', packedClassifier(3, ['Adelie', 'Chinstrap', 'Gentoo'])),
      '-m',
    );
    await expectUserError(
      evaluateModels(db(), {
        config,
        challenger: narrow,
        splits: tmp.path('bad-input', 'splits'),
        workDir: tmp.path('bad'),
      }),
      /model input 'x' has width 3, expected 6/,
    );
  });

  it('no target column, an all-null target, an unknown class', async () => {
    await expectUserError(
      run(await csv('no-target.csv', `SELECT * EXCLUDE ("Species") FROM ${penguins}`)),
      /no-target\.csv: the holdout has no target column 'Species'/,
    );
    await expectUserError(
      run(await csv('null-target.csv', `SELECT * REPLACE (NULL::VARCHAR AS "Species") FROM ${penguins}`)),
      /target 'Species' is null in all 344 rows/,
    );
    await expectUserError(
      run(await csv('emperor.csv', `SELECT * REPLACE ('Emperor' AS "Species") FROM ${penguins} LIMIT 3`)),
      /target 'Species' is 'Emperor' in 3 rows, a class .* does not know \(its classes: Adelie, Chinstrap, Gentoo\)/,
    );
  });

  it('an empty holdout', async () => {
    const file = await csv('empty.csv', `SELECT * FROM ${penguins} LIMIT 0`);
    await expectUserError(run(file), /empty/);
  });

  it('a corrupted or non-ONNX model file', async () => {
    const text = await tmp.write('notes.onnx', 'these are not the weights you are looking for');
    const truncated = await tmp.write('truncated.onnx', model.bytes.subarray(0, model.bytes.length / 2));
    const empty = join(tmp.dir, 'empty.onnx');
    await writeFile(empty, '');
    for (const path of [text, truncated]) {
      const broken = await readModelPath(path, '--model');
      await expectUserError(
        evaluateModels(db(), {
          config,
          challenger: broken,
          splits: tmp.path('bad-input', 'splits'),
          workDir: tmp.path('bad'),
        }),
        new RegExp(`${path.replaceAll('.', '\\.')}: not a valid ONNX model`),
      );
    }
    await expectUserError(
      readModelPath(tmp.path('nothing.onnx'), '--model'),
      /--model .*nothing\.onnx: no such file/,
    );
    await expectUserError(readModelPath(empty, '--model'), /empty\.onnx: the model file is empty/);
  });

  it('a model for another task or target than the config', async () => {
    const binary = penguinsConfig('', 'task: binary\ntarget: Species');
    await expectUserError(
      evaluateModels(db(), {
        config: binary,
        challenger: model,
        splits: tmp.path('bad-input', 'splits'),
        workDir: tmp.path('bad'),
      }),
      /a multiclass model \(its onnx-metadata says\), but the config's task is binary/,
    );
  });

  it('a gate rule comparing timings, named with its line and column in the config', async () => {
    await expectUserError(
      () => penguinsConfig('gate:\n  latency_p99_ms: {min_improvement: 1}\n'),
      /^test\.yaml:7:37: gate\.latency_p99_ms\.min_improvement: latency_p99_ms is timed on the challenger only .*use max instead, got 1$/,
    );
    const config = penguinsConfig();
    await expectUserError(
      evaluateModels(db(), {
        config: { ...config, gate: { latency_p99_ms: { min_improvement: 1 } } },
        challenger: model,
        splits: tmp.path('bad-input', 'splits'),
        workDir: tmp.path('bad'),
      }),
      /^gate\.latency_p99_ms\.min_improvement: latency_p99_ms is timed on the challenger only .*use max instead\.$/,
    );
  });
});
