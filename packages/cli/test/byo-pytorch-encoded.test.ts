import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useGitSandbox } from '../../registry/test/git-fixture.js';
import {
  csvRows,
  expectEvaluation,
  expectPredictEveryWay,
  expectServeScores,
  expectTorch,
  haveTorch,
  ok,
  predictScores,
  promoteToProduction,
  type Row,
  type Scores,
  torchScores,
  trainExample,
  webScores,
  writeTestCsv,
} from './byo-e2e.js';
import { runCli } from './run-cli.js';

/**
 * examples/pytorch/penguins-encoded.yaml as a PyTorch user runs it: categorical columns and
 * nulls, a trainer that only sees modelgate's encoded matrices, and every stage taking raw rows.
 * Each stage's outputs on raw rows equal torch's own on the encoded rows: the trainer's
 * test_predictions.json (modelgate's encoded test split) and predict_torch_encoded.py (raw rows
 * encoded by the feature map in Python), probabilities within 1e-5, labels equal.
 */

const NAME = 'byo-pytorch-encoded';
const CONFIG = 'penguins-encoded.yaml';
const MODEL = 'penguins-torch-encoded';
const COLUMNS = [
  'Species',
  'Island',
  'Beak Length (mm)',
  'Beak Depth (mm)',
  'Flipper Length (mm)',
  'Body Mass (g)',
  'Sex',
];
const FEATURES = COLUMNS.slice(1);
const CATEGORICAL = new Set(['Island', 'Sex']);
/** Rows of data/penguins.csv: 3 and 339 have no measurements and no sex, 8 no sex, 336 sex '.'. */
const SAMPLE = [0, 3, 8, 40, 100, 151, 152, 200, 219, 220, 280, 336, 339, 343];
/** Rows no split has: categories never seen in training, and nulls where training had none. */
const UNSEEN: Row[] = [
  {
    Island: 'Atlantis',
    'Beak Length (mm)': 45.2,
    'Beak Depth (mm)': 15.1,
    'Flipper Length (mm)': 220,
    'Body Mass (g)': 5300,
    Sex: 'UNKNOWN',
  },
  {
    Island: null,
    'Beak Length (mm)': 38.5,
    'Beak Depth (mm)': null,
    'Flipper Length (mm)': 190,
    'Body Mass (g)': 3600,
    Sex: 'MALE',
  },
  {
    Island: 'Dream',
    'Beak Length (mm)': 50.1,
    'Beak Depth (mm)': 19.2,
    'Flipper Length (mm)': null,
    'Body Mass (g)': null,
    Sex: '',
  },
];

function toCsv(rows: readonly Row[]): string {
  const cell = (v: number | string | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return `${COLUMNS.join(',')}\n${rows.map((r) => COLUMNS.map((c) => cell(r[c])).join(',')).join('\n')}\n`;
}

/** Torch on raw rows: predict_torch_encoded.py encodes them with the feature map and runs the checkpoint. */
function predictTorch(project: string, csv: string): Promise<Scores> {
  const trainer = join('out', 'model', 'trainer');
  const args = [join(trainer, 'checkpoint.pt'), join(trainer, 'feature-map.json'), csv];
  return torchScores(project, ['predict_torch_encoded.py', ...args]);
}

describe.skipIf(!haveTorch(NAME))('examples/pytorch/penguins-encoded.yaml end to end, against torch', () => {
  const sandbox = useGitSandbox(NAME);
  let project: string;
  let rows: Row[];
  /** Raw sample rows: penguins.csv's SAMPLE and the UNSEEN ones. */
  let sample: Row[];
  let sampleTorch: Scores;

  beforeAll(async () => {
    project = await sandbox.repo('penguins-torch-encoded');
    await trainExample(project, ['--config', CONFIG]);
    rows = await csvRows(join(project, 'data', 'penguins.csv'), FEATURES, CATEGORICAL);
    sample = [...SAMPLE.map((r) => rows[r] as Row), ...UNSEEN];
    await writeFile(join(project, 'sample.csv'), toCsv(sample));
    sampleTorch = await predictTorch(project, 'sample.csv');
  }, 300_000);

  it('train: the trainer got the encoded splits; the model it wrote is kept, the shipped one takes raw columns', async () => {
    const trainer = join(project, 'out', 'model', 'trainer');
    const log = await readFile(join(trainer, 'output.log'), 'utf8');
    expect(log).toContain('Island=Biscoe, Island=Dream, Island=Torgersen, Island (missing or unseen)');
    expect(log).toContain(
      "feature_map.py on the raw validation rows: 0 cells differ from modelgate's encoding",
    );
    expect(existsSync(join(trainer, 'model.encoded.onnx'))).toBe(true);
    const metadata = JSON.parse(await readFile(join(project, 'out', 'model', 'metadata.json'), 'utf8'));
    expect(metadata.signature.inputs.map((i: { name: string; type: string }) => [i.name, i.type])).toEqual(
      FEATURES.map((f) => [f, CATEGORICAL.has(f) ? 'string' : 'float32']),
    );
    const profile = JSON.parse(
      await readFile(join(project, 'out', 'model', 'reference-profile.json'), 'utf8'),
    );
    // Monitoring's baseline is the raw training columns, categories and nulls included.
    expect(JSON.stringify(profile)).toContain('"Island"');
  });

  it('predict on the raw test split gives torch’s outputs on modelgate’s encoded test rows; evaluate agrees', async () => {
    const testCsv = await writeTestCsv(project);
    const encodedTest = JSON.parse(
      await readFile(join(project, 'out', 'model', 'trainer', 'test_predictions.json'), 'utf8'),
    ) as Scores & { targets: string[] };
    expectTorch(
      await predictScores(project, join(project, 'out', 'model'), testCsv, join(project, 'test.jsonl')),
      encodedTest,
    );
    await expectEvaluation(project, ['--config', CONFIG], encodedTest, encodedTest.targets);
  });

  it('register, promote, predict every raw row by reference, directory and path: torch outputs', async () => {
    ok('register', await runCli(['register', '--config', CONFIG, '--model', 'out/model'], { cwd: project }));
    await promoteToProduction(project, MODEL);
    const torch = await predictTorch(project, 'data/penguins.csv');
    expect(torch.labels).toHaveLength(rows.length);
    await expectPredictEveryWay(project, MODEL, torch);
    expectTorch(
      await predictScores(
        project,
        `${MODEL}#production`,
        join(project, 'sample.csv'),
        join(project, 'sample.jsonl'),
      ),
      sampleTorch,
    );
  });

  it('serve: OIP strings and nulls, MLflow records with unseen categories: torch outputs', async () => {
    await expectServeScores(
      project,
      `${MODEL}#production`,
      { names: FEATURES, categorical: CATEGORICAL },
      sample,
      sampleTorch,
    );
  });

  it('export --target web: a bundle that gives torch outputs on raw rows in headless Chromium', async () => {
    const web = await webScores(NAME, project, `${MODEL}#production`, sample);
    if (web) expectTorch(web, sampleTorch);
  }, 120_000);
});
