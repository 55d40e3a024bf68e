import { readdir, readFile } from 'node:fs/promises';
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
  pick,
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
 * examples/pytorch as a PyTorch user runs it: its own trainer through train,
 * evaluate, register, promote, predict, serve and the web bundle, every stage's
 * outputs equal to torch's own (predict_torch.py) on the same rows.
 */

const NAME = 'byo-pytorch';
const MODEL = 'penguins-torch';
const FEATURES = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];
/** Rows of data/penguins.csv sent to the server and the web bundle; row 3 has no measurements. */
const SAMPLE = [0, 3, 40, 100, 151, 152, 200, 219, 220, 280, 339, 343];

/** Torch's own outputs: the example's predict_torch.py on the winning trial's checkpoint and a CSV. */
const predictTorch = (project: string, csv: string) =>
  torchScores(project, ['predict_torch.py', 'out/model/trainer/checkpoint.pt', csv]);

describe.skipIf(!haveTorch(NAME))('examples/pytorch end to end, against torch', () => {
  const sandbox = useGitSandbox(NAME);
  let project: string;
  let rows: Row[];
  /** Torch's outputs for every row of data/penguins.csv, from the winning trial's checkpoint. */
  let torch: Scores;

  beforeAll(async () => {
    project = await sandbox.repo('penguins-torch');
    await trainExample(project);
    rows = await csvRows(join(project, 'data', 'penguins.csv'), FEATURES);
    torch = await predictTorch(project, 'data/penguins.csv');
    expect(torch.labels).toHaveLength(rows.length);
  }, 300_000);

  it("train: runs the grid's two trials, keeps each trial's files and names the candidate as configured", async () => {
    const out = join(project, 'out', 'model');
    for (const id of ['0', '1']) {
      const files = await readdir(join(out, 'trials', id));
      expect(files).toEqual(
        expect.arrayContaining(['output.log', 'checkpoint.pt', 'metrics.json', 'params.json']),
      );
      expect(await readFile(join(out, 'trials', id, 'output.log'), 'utf8')).toMatch(
        /validation: \{"accuracy"/,
      );
    }
    const trials = JSON.parse(await readFile(join(out, 'trials.json'), 'utf8'));
    expect(JSON.stringify(trials)).toContain('torch-mlp');
    expect(JSON.stringify(trials)).not.toContain('/usr/bin/python3');
    const params = await Promise.all(
      ['0', '1'].map(async (id) =>
        JSON.parse(await readFile(join(out, 'trials', id, 'params.json'), 'utf8')),
      ),
    );
    expect(params.map((p) => p.hidden).sort((a, b) => a - b)).toEqual([4, 16]);
  });

  it('evaluate: the holdout accuracy and log loss are the ones torch gets on the test split', async () => {
    // The test split as CSV, for predict_torch.py.
    const csv = await writeTestCsv(project);
    const test = await predictTorch(project, 'test.csv');
    const [header = '', ...lines] = (await readFile(csv, 'utf8')).trim().split('\n');
    const species = header.split(',').indexOf('Species');
    await expectEvaluation(
      project,
      [],
      test,
      lines.map((line) => line.split(',')[species] ?? ''),
    );
  });

  it('register, promote, then predict by registry reference, training output and ONNX path: torch outputs', async () => {
    ok('register', await runCli(['register', '--model', 'out/model'], { cwd: project }));
    const version = join(project, 'registry', MODEL, 'versions', 'v1', 'metadata.json');
    const metadata = JSON.parse(await readFile(version, 'utf8'));
    expect(metadata.trainer).toBe('torch-mlp');
    expect(metadata.training.spec.features.map((f: { name: string }) => f.name)).toEqual(FEATURES);
    await promoteToProduction(project, MODEL);
    await expectPredictEveryWay(project, MODEL, torch);
  });

  it('serve: OIP per-feature inputs and MLflow dataframe_records by column name answer torch outputs', async () => {
    await expectServeScores(
      project,
      `${MODEL}#production`,
      { names: FEATURES },
      SAMPLE.map((r) => rows[r] as Row),
      pick(torch, SAMPLE),
    );
  });

  it('export --target web: a bundle that predicts torch outputs in headless Chromium', async () => {
    const web = await webScores(
      NAME,
      project,
      `${MODEL}#production`,
      SAMPLE.map((r) => rows[r] as Row),
    );
    if (web) expectTorch(web, pick(torch, SAMPLE));
  }, 120_000);
});
