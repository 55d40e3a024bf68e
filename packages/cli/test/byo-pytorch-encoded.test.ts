import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Database, quoteLiteral } from '@modelgate/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useGitSandbox } from '../../registry/test/git-fixture.js';
import { CHROMIUM, launchChromium } from '../../runtime/test/web/chromium.js';
import { type StaticServer, serveStatic } from '../../runtime/test/web/static-server.js';
import { freePort, waitReady } from '../../serve/test/cli-server.js';
import { type CliRun, runCli } from './run-cli.js';

/**
 * examples/pytorch/penguins-encoded.yaml as a PyTorch user runs it: categorical columns and
 * nulls, a trainer that only sees modelgate's encoded matrices, and every stage taking raw rows.
 * Each stage's outputs on raw rows equal torch's own on the encoded rows: the trainer's
 * test_predictions.json (modelgate's encoded test split) and predict_torch_encoded.py (raw rows
 * encoded by the feature map in Python), probabilities within 1e-5, labels equal.
 */

const PYTHON = '/usr/bin/python3';
const EXAMPLE = fileURLToPath(new URL('../../../examples/pytorch', import.meta.url));
const haveTorch = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
if (!haveTorch) {
  console.warn(
    `byo-pytorch-encoded: skipped, ${PYTHON} cannot import torch and onnx (apt-get install python3-torch python3-onnx)`,
  );
}

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
const CLASSES = ['Adelie', 'Chinstrap', 'Gentoo'];
const TOLERANCE = 1e-5;
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

const run = promisify(execFile);

interface Scores {
  labels: string[];
  /** One row of class probabilities per row, in CLASSES order. */
  probabilities: number[][];
}

type Row = Record<string, number | string | null>;

function ok(step: string, result: CliRun): CliRun {
  if (result.code !== 0)
    throw new Error(`${step} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
  return result;
}

function expectTorch(got: Scores, torch: Scores): void {
  expect(got.labels).toEqual(torch.labels);
  expect(got.probabilities).toHaveLength(torch.probabilities.length);
  let maxDelta = 0;
  got.probabilities.forEach((row, i) => {
    expect(row).toHaveLength(CLASSES.length);
    row.forEach((p, j) => {
      maxDelta = Math.max(maxDelta, Math.abs(p - (torch.probabilities[i]?.[j] ?? Number.NaN)));
    });
  });
  expect(maxDelta).toBeLessThanOrEqual(TOLERANCE);
}

/** The rows of the example's CSV (no quoted commas in it): numbers, text, null for an empty cell. */
async function csvRows(file: string): Promise<Row[]> {
  const [header = '', ...lines] = (await readFile(file, 'utf8')).trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(
      FEATURES.map((f) => {
        const cell = cells[names.indexOf(f)] ?? '';
        if (cell === '') return [f, null];
        return [f, CATEGORICAL.has(f) ? cell : Number(cell)];
      }),
    );
  });
}

function toCsv(rows: readonly Row[]): string {
  const cell = (v: number | string | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return `${COLUMNS.join(',')}\n${rows.map((r) => COLUMNS.map((c) => cell(r[c])).join(',')).join('\n')}\n`;
}

/** Torch on raw rows: predict_torch_encoded.py encodes them with the feature map and runs the checkpoint. */
async function torchScores(cwd: string, csv: string): Promise<Scores> {
  const trainer = join('out', 'model', 'trainer');
  const { stdout } = await run(
    PYTHON,
    ['predict_torch_encoded.py', join(trainer, 'checkpoint.pt'), join(trainer, 'feature-map.json'), csv],
    { cwd },
  );
  const out = JSON.parse(stdout) as Scores & { classes: string[] };
  expect(out.classes).toEqual(CLASSES);
  return { labels: out.labels, probabilities: out.probabilities };
}

async function predictScores(project: string, model: string, input: string, output: string): Promise<Scores> {
  const argv = ['predict', '--model', model, '--registry', join(project, 'registry')];
  ok(`predict --model ${model}`, await runCli([...argv, '--input', input, '--output', output]));
  const records = (await readFile(output, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, number | string>);
  records.sort((a, b) => Number(a.row) - Number(b.row));
  return {
    labels: records.map((r) => String(r.label)),
    probabilities: records.map((r) => CLASSES.map((c) => Number(r[`probability_${c}`]))),
  };
}

async function postJson(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST ${url} -> ${response.status}: ${text}`);
  return JSON.parse(text);
}

describe.skipIf(!haveTorch)('examples/pytorch/penguins-encoded.yaml end to end, against torch', () => {
  const sandbox = useGitSandbox('byo-pytorch-encoded');
  let project: string;
  let rows: Row[];
  /** Raw sample rows: penguins.csv's SAMPLE and the UNSEEN ones. */
  let sample: Row[];
  let sampleTorch: Scores;

  beforeAll(async () => {
    project = await sandbox.repo('penguins-torch-encoded');
    await cp(EXAMPLE, project, { recursive: true, filter: (source) => !source.includes('__pycache__') });
    const bin = join(project, '.bin');
    await mkdir(bin);
    await symlink(PYTHON, join(bin, 'python3'));
    ok('split', await runCli(['split', '--config', CONFIG, '--out', 'splits'], { cwd: project }));
    const path = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${path ?? ''}`;
    try {
      ok(
        'train',
        await runCli(['train', '--config', CONFIG, '--splits', 'splits', '--out', 'out/model'], {
          cwd: project,
        }),
      );
    } finally {
      process.env.PATH = path;
    }
    rows = await csvRows(join(project, 'data', 'penguins.csv'));
    sample = [...SAMPLE.map((r) => rows[r] as Row), ...UNSEEN];
    await writeFile(join(project, 'sample.csv'), toCsv(sample));
    sampleTorch = await torchScores(project, 'sample.csv');
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
    const db = await Database.open();
    try {
      await db.run(
        `COPY (SELECT * FROM read_parquet(${quoteLiteral(join(project, 'splits', 'test.parquet'))})) TO ${quoteLiteral(join(project, 'test.csv'))} (FORMAT csv, HEADER true)`,
      );
    } finally {
      db.close();
    }
    const encodedTest = JSON.parse(
      await readFile(join(project, 'out', 'model', 'trainer', 'test_predictions.json'), 'utf8'),
    ) as Scores & { targets: string[] };
    expectTorch(
      await predictScores(
        project,
        join(project, 'out', 'model'),
        join(project, 'test.csv'),
        join(project, 'test.jsonl'),
      ),
      encodedTest,
    );
    ok(
      'evaluate',
      await runCli(
        [
          'evaluate',
          '--config',
          CONFIG,
          '-m',
          'out/model',
          '--splits',
          'splits',
          '--no-baseline',
          '-o',
          'out/eval',
        ],
        { cwd: project },
      ),
    );
    const evaluation = JSON.parse(await readFile(join(project, 'out', 'eval', 'evaluation.json'), 'utf8'));
    const truth = encodedTest.targets;
    const correct = encodedTest.labels.filter((label, i) => label === truth[i]).length;
    expect(evaluation.metrics.accuracy).toBe(correct / truth.length);
    const logLoss =
      -encodedTest.probabilities.reduce(
        (sum, p, i) => sum + Math.log(p[CLASSES.indexOf(truth[i] ?? '')] ?? 0),
        0,
      ) / truth.length;
    expect(Math.abs(evaluation.metrics.log_loss - logLoss)).toBeLessThan(TOLERANCE);
  });

  it('register, promote, predict every raw row by reference, directory and path: torch outputs', async () => {
    ok('register', await runCli(['register', '--config', CONFIG, '--model', 'out/model'], { cwd: project }));
    for (const stage of ['staging', 'production']) {
      ok(`promote to ${stage}`, await runCli(['promote', `${MODEL}@v1`, '--to', stage], { cwd: project }));
    }
    const input = join(project, 'data', 'penguins.csv');
    const torch = await torchScores(project, 'data/penguins.csv');
    expect(torch.labels).toHaveLength(rows.length);
    const models = {
      'by-ref': `${MODEL}#production`,
      'by-dir': join(project, 'out', 'model'),
      'by-path': join(project, 'out', 'model', 'model.onnx'),
    };
    for (const [name, model] of Object.entries(models)) {
      expectTorch(await predictScores(project, model, input, join(project, `${name}.jsonl`)), torch);
    }
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
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const serving = runCli(
      ['serve', '--model', `${MODEL}#production`, '--port', String(port), '--workers', '1'],
      {
        cwd: project,
      },
    );
    try {
      await waitReady(url, serving);
      const oip = (await postJson(`${url}/v2/models/${MODEL}/infer`, {
        inputs: FEATURES.map((name) => ({
          name,
          datatype: CATEGORICAL.has(name) ? 'BYTES' : 'FP32',
          shape: [sample.length, 1],
          data: sample.map((row) => (CATEGORICAL.has(name) ? (row[name] ?? '') : (row[name] ?? null))),
        })),
      })) as { outputs: { name: string; data: unknown[] }[] };
      const output = (name: string) => oip.outputs.find((o) => o.name === name)?.data ?? [];
      const flat = output('probabilities') as number[];
      expectTorch(
        {
          labels: output('label') as string[],
          probabilities: sample.map((_, i) => flat.slice(i * CLASSES.length, (i + 1) * CLASSES.length)),
        },
        sampleTorch,
      );
      const mlflow = (await postJson(`${url}/invocations`, { dataframe_records: sample })) as {
        predictions: { label: string; probabilities: number[] }[];
      };
      expectTorch(
        {
          labels: mlflow.predictions.map((p) => p.label),
          probabilities: mlflow.predictions.map((p) => p.probabilities),
        },
        sampleTorch,
      );
    } finally {
      process.emit('SIGTERM');
      expect((await serving).code).toBe(0);
    }
  });

  describe('export --target web', () => {
    let server: StaticServer | undefined;
    let browser: Browser | undefined;
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('writes a bundle that gives torch outputs on raw rows in headless Chromium', async () => {
      ok(
        'export',
        await runCli(['export', '--model', `${MODEL}#production`, '--target', 'web', '--out', 'web'], {
          cwd: project,
        }),
      );
      if (!existsSync(CHROMIUM)) {
        console.warn(
          `byo-pytorch-encoded: the web bundle is written but not run, no Chromium at ${CHROMIUM}`,
        );
        return;
      }
      server = await serveStatic(join(project, 'web'));
      browser = await launchChromium();
      const page = await browser.newPage();
      await page.goto(`${server.url}/index.html`);
      await page.waitForSelector('body[data-ready="true"]');
      const predicted = (await page.evaluate(
        `import(new URL('modelgate-model.js', location.href).href).then((m) => m.predict(${JSON.stringify(sample)}))`,
      )) as { label: string; probabilities: Record<string, number> }[];
      expectTorch(
        {
          labels: predicted.map((p) => p.label),
          probabilities: predicted.map((p) => CLASSES.map((c) => p.probabilities[c] ?? Number.NaN)),
        },
        sampleTorch,
      );
    }, 120_000);
  });
});
