import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, loadConfig, parseConfig } from '../src/index.js';
import { expectUserError } from './fixtures.js';

const minimal = 'model: p\ntask: multiclass\ntarget: species\ndata: x.csv\n';

describe('parseConfig', () => {
  it('fills defaults', () => {
    expect(parseConfig(minimal)).toEqual({
      model: 'p',
      task: 'multiclass',
      target: 'species',
      features: 'auto',
      id: [],
      data: 'x.csv',
      split: { validation: 0.1, test: 0.2, seed: 42 },
      train: {},
      evaluate: {},
    });
  });

  it('reads the example project config', async () => {
    const config = await loadConfig('examples/penguins/modelgate.yaml');
    expect(config.target).toBe('Species');
    expect(config.gate).toMatchObject({ accuracy: { min: 0.9, non_inferiority: 0.01 } });
  });

  it.each([
    [
      'a bad enum value',
      minimal.replace('multiclass', 'multi'),
      /^m\.yaml:2:7: task: Invalid option: expected one of .*, got "multi"$/,
    ],
    ['a missing key', 'model: p\ntask: binary\ndata: x.csv\n', /^m\.yaml:1:1: target: missing required key/],
    [
      'an unknown key, at its own line',
      `${minimal}split:\n  valdation: 0.5\n`,
      /^m\.yaml:6:3: split\.valdation: unknown key\./,
    ],
    [
      'fractions leaving no training rows',
      `${minimal}split: {validation: 0.5, test: 0.6}\n`,
      /^m\.yaml:5:8: split: validation \+ test must leave rows/,
    ],
    [
      'a bad split strategy',
      `${minimal}split: {by: weird}\n`,
      /^m\.yaml:5:13: split\.by: expected 'random', 'stratified', 'time:<column>'/,
    ],
    [
      'a wrong type deep inside',
      `${minimal}gate:\n  accuracy: {min: "x"}\n`,
      /^m\.yaml:6:19: gate\.accuracy\.min: .*expected number.*got "x"$/,
    ],
    [
      'the target listed as a feature',
      `${minimal}features: [a, species]\n`,
      /^m\.yaml:5:15: features\[1\]: "species" is the target/,
    ],
    ['a YAML syntax error', 'model: p\n  task: binary\n', /^m\.yaml:\d+:\d+: invalid YAML: /],
    [
      'an unknown metric in the gate',
      `${minimal}gate:\n  acuracy: {min: 1}\n`,
      /^m\.yaml:6:3: gate\.acuracy: /,
    ],
  ])('names file, line and key for %s', async (_name, text, expected) => {
    await expectUserError(() => parseConfig(text, 'm.yaml'), expected);
  });

  it('names a missing config file', async () => {
    await expect(loadConfig('/nonexistent/modelgate.yaml')).rejects.toThrow(/no such config file/);
  });
});

describe('configJsonSchema', () => {
  it('matches the committed modelgate.schema.json (run `npm run schema` after changing the config)', async () => {
    const committed = JSON.parse(await readFile('modelgate.schema.json', 'utf8'));
    expect(committed).toEqual(configJsonSchema());
  });

  it('describes the keys editors complete', () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['model', 'task', 'target', 'data', 'split', 'gate']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['model', 'task', 'target', 'data']));
  });
});

describe('the train section', () => {
  it('reads candidates, search spaces and the search strategy', () => {
    const config = parseConfig(
      `${minimal}train:
  metric: accuracy
  search: {strategy: tpe, trials: 30, parallel: 2, seed: 7, halving: {min_budget: 0.1, eta: 3}}
  candidates:
    - algorithm: gbdt
      params:
        learning_rate: {loguniform: [0.01, 0.3]}
        max_leaves: {int: [8, 64]}
        subsample: {uniform: [0.5, 1]}
        loss: {choice: [l2, huber]}
        rounds: 200
    - command: python train.py
      name: torch-mlp
      params: {depth: {choice: [2, 4]}}
      timeout_minutes: 30
  artifacts: {keep: true, max_mb: 100}
`,
      'm.yaml',
    );
    expect(config.train.search).toEqual({
      strategy: 'tpe',
      trials: 30,
      parallel: 2,
      seed: 7,
      halving: { min_budget: 0.1, eta: 3 },
    });
    expect(config.train.candidates?.[0]?.params).toEqual({
      learning_rate: { loguniform: [0.01, 0.3] },
      max_leaves: { int: [8, 64] },
      subsample: { uniform: [0.5, 1] },
      loss: { choice: ['l2', 'huber'] },
      rounds: 200,
    });
    expect(config.train.candidates?.[1]).toEqual({
      command: 'python train.py',
      name: 'torch-mlp',
      params: { depth: { choice: [2, 4] } },
      timeout_minutes: 30,
    });
    expect(config.train.artifacts).toEqual({ keep: true, max_mb: 100 });
  });

  const candidate = (yaml: string) => `${minimal}train:\n  candidates:\n    - ${yaml}\n`;

  it.each([
    [
      'an unknown algorithm',
      candidate('algorithm: gbm'),
      /^m\.yaml:7:18: train\.candidates\[0\]\.algorithm: Invalid option: expected one of "linear"\|"logistic"\|"gbdt"\|"mlp", got "gbm"$/,
    ],
    [
      'both algorithm and command',
      candidate('{algorithm: gbdt, command: x}'),
      /train\.candidates\[0\]: expected exactly one of algorithm \(a built-in trainer\) or command \(your own\)/,
    ],
    [
      'a loguniform range from 0',
      candidate('{algorithm: gbdt, params: {lr: {loguniform: [0, 1]}}}'),
      /train\.candidates\[0\]\.params\.lr\.loguniform: expected \[low, high\] with 0 < low < high, got \[0,1\]/,
    ],
    [
      'a reversed range',
      candidate('{algorithm: gbdt, params: {lr: {uniform: [3, 1]}}}'),
      /params\.lr\.uniform: expected \[low, high\] with low < high/,
    ],
    [
      'an int range of fractions',
      candidate('{algorithm: gbdt, params: {n: {int: [1.5, 3]}}}'),
      /params\.n: expected \{int: \[low, high\]\}: two whole numbers with low < high/,
    ],
    [
      'a misspelt distribution',
      candidate('{algorithm: gbdt, params: {lr: {logunifrom: [0.1, 1]}}}'),
      /params\.lr: expected \{loguniform: \[low, high\]\}, \{uniform: \[low, high\]\}, \{int: \[low, high\]\}, \{choice: \[a, b, \.\.\.\]\} or a constant/,
    ],
    [
      'an empty choice',
      candidate('{algorithm: gbdt, params: {lr: {choice: []}}}'),
      /params\.lr\.choice: expected at least one value to choose from/,
    ],
    [
      'a parameter name no environment variable can carry',
      candidate('{command: x, params: {"max-depth": 3}}'),
      /params\.max-depth: expected a parameter name of letters, digits and '_'/,
    ],
    [
      'a timeout on a built-in trainer',
      candidate('{algorithm: gbdt, timeout_minutes: 5}'),
      /train\.candidates\[0\]\.timeout_minutes: applies to a command candidate only/,
    ],
    [
      'a name on a built-in trainer',
      candidate('{algorithm: gbdt, name: boosted}'),
      /train\.candidates\[0\]\.name: applies to a command candidate only/,
    ],
    ['an empty name', candidate('{command: x, name: " "}'), /train\.candidates\[0\]\.name: expected a name/],
    [
      'a cap of no megabytes',
      `${minimal}train:\n  artifacts: {max_mb: 0}\n`,
      /train\.artifacts\.max_mb: expected a positive number of megabytes/,
    ],
    [
      'an unknown strategy',
      `${minimal}train:\n  search: {strategy: bayes}\n`,
      /train\.search\.strategy: Invalid option: expected one of "grid"\|"random"\|"tpe"/,
    ],
    [
      'a min_budget above 1',
      `${minimal}train:\n  search: {halving: {min_budget: 5}}\n`,
      /train\.search\.halving\.min_budget: expected a share of the full budget in \(0, 1\], got 5/,
    ],
    [
      'a misspelt search key',
      `${minimal}train:\n  search: {trails: 5}\n`,
      /train\.search\.trails: unknown key\./,
    ],
  ])('names file, line and key for %s', async (_name, text, expected) => {
    await expectUserError(() => parseConfig(text, 'm.yaml'), expected);
  });
});

describe('the evaluate section', () => {
  it('reads slices, bootstrap, timing settings and the champion stage', () => {
    const config = parseConfig(
      `${minimal}evaluate:
  slices: [island, sex]
  slice_bins: 5
  min_slice_size: 50
  ece_bins: 15
  bootstrap: {resamples: 2000, seed: 7, confidence: 0.9, metrics: [accuracy, roc_auc]}
  latency: {runs: 500, warmup: 0}
  throughput: {batch_rows: 4096, runs: 3}
  champion_stage: production
`,
      'm.yaml',
    );
    expect(config.evaluate).toEqual({
      slices: ['island', 'sex'],
      slice_bins: 5,
      min_slice_size: 50,
      ece_bins: 15,
      bootstrap: { resamples: 2000, seed: 7, confidence: 0.9, metrics: ['accuracy', 'roc_auc'] },
      latency: { runs: 500, warmup: 0 },
      throughput: { batch_rows: 4096, runs: 3 },
      champion_stage: 'production',
    });
    expect(parseConfig(`${minimal}evaluate: {slices: auto, bootstrap: {metrics: all}}\n`).evaluate).toEqual({
      slices: 'auto',
      bootstrap: { metrics: 'all' },
    });
  });

  it.each([
    [
      'a confidence of 1',
      'bootstrap: {confidence: 1}',
      /^m\.yaml:5:36: evaluate\.bootstrap\.confidence: expected a level in \(0, 1\), e\.g\. 0\.95, got 1$/,
    ],
    [
      'no latency runs',
      'latency: {runs: 0}',
      /^m\.yaml:5:28: evaluate\.latency\.runs: expected at least 1 run, got 0$/,
    ],
    [
      'fractional bins',
      'slice_bins: 2.5',
      /^m\.yaml:5:24: evaluate\.slice_bins: expected a whole number of bins, got 2\.5$/,
    ],
    [
      'a stage name with capitals',
      'champion_stage: Prod',
      /^m\.yaml:5:28: evaluate\.champion_stage: expected a stage name such as production, got "Prod"$/,
    ],
    [
      'an unknown key',
      'bootstrap_resamples: 5',
      /^m\.yaml:5:12: evaluate\.bootstrap_resamples: unknown key\./,
    ],
  ])('names file, line and key for %s', async (_name, yaml, expected) => {
    await expectUserError(() => parseConfig(`${minimal}evaluate: {${yaml}}\n`, 'm.yaml'), expected);
  });
});

describe('the monitor section', () => {
  it('reads chunks, bands, outliers and drift tests', () => {
    const config = parseConfig(
      `${minimal}time: date
monitor:
  chunk: rows:500
  baseline_chunks: 7
  sigma: 2.5
  outlier_threshold: 4
  prediction: score
  drift:
    share: 0.3
    correction: bh
    by_kind: {numeric: {method: psi, threshold: 0.2, bins: 20}}
    by_column: {wind: {method: ks}}
    thresholds: {jensenshannon: 0.05}
`,
      'm.yaml',
    );
    expect(config.monitor).toEqual({
      chunk: 'rows:500',
      baseline_chunks: 7,
      sigma: 2.5,
      outlier_threshold: 4,
      prediction: 'score',
      drift: {
        share: 0.3,
        correction: 'bh',
        by_kind: { numeric: { method: 'psi', threshold: 0.2, bins: 20 } },
        by_column: { wind: { method: 'ks' } },
        thresholds: { jensenshannon: 0.05 },
      },
    });
    expect(parseConfig(minimal).monitor).toBeUndefined();
  });

  it.each([
    [
      'a chunk size in words',
      'chunk: daily',
      /^m\.yaml:5:18: monitor\.chunk: expected hour, day, week, month, rows:<N>, file or all, got "daily"$/,
    ],
    [
      'zero rows a chunk',
      'chunk: "rows:0"',
      /^m\.yaml:5:18: monitor\.chunk: expected hour, day, week, month/,
    ],
    [
      'a baseline of one chunk',
      'baseline_chunks: 1',
      /^m\.yaml:5:28: monitor\.baseline_chunks: expected 2 or more chunks/,
    ],
    [
      'an unknown drift method',
      'drift: {by_kind: {numeric: {method: t}}}',
      /^m\.yaml:5:47: monitor\.drift\.by_kind\.numeric\.method: Invalid option: expected one of "ks"\|"chisquare"/,
    ],
    [
      'a share above 1',
      'drift: {share: 2}',
      /^m\.yaml:5:26: monitor\.drift\.share: expected a share in \(0, 1\]/,
    ],
    ['an unknown key', 'chunks: day', /^m\.yaml:5:11: monitor\.chunks: unknown key\./],
  ])('names file, line and key for %s', async (_name, yaml, expected) => {
    await expectUserError(() => parseConfig(`${minimal}monitor: {${yaml}}\n`, 'm.yaml'), expected);
  });
});
