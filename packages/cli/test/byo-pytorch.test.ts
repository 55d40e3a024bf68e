import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, symlink } from 'node:fs/promises';
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
 * examples/pytorch as a PyTorch user runs it: its own trainer through train,
 * evaluate, register, promote, predict, serve and the web bundle, every stage's
 * outputs equal to torch's own (predict_torch.py) on the same rows.
 */

const PYTHON = '/usr/bin/python3';
const EXAMPLE = fileURLToPath(new URL('../../../examples/pytorch', import.meta.url));
const haveTorch = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
if (!haveTorch) {
  console.warn(
    `byo-pytorch: skipped, ${PYTHON} cannot import torch and onnx (apt-get install python3-torch python3-onnx)`,
  );
}

const MODEL = 'penguins-torch';
const FEATURES = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];
const CLASSES = ['Adelie', 'Chinstrap', 'Gentoo'];
const TOLERANCE = 1e-5;
/** Rows of data/penguins.csv sent to the server and the web bundle; row 3 has no measurements. */
const SAMPLE = [0, 3, 40, 100, 151, 152, 200, 219, 220, 280, 339, 343];

const run = promisify(execFile);

interface Scores {
  labels: string[];
  /** One row of class probabilities per row, in CLASSES order. */
  probabilities: number[][];
}

type Row = Record<string, number | null>;

function ok(step: string, result: CliRun): CliRun {
  if (result.code !== 0) {
    throw new Error(`${step} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
  }
  return result;
}

/** Torch's own outputs: the example's predict_torch.py on a checkpoint and a CSV. */
async function torchScores(cwd: string, checkpoint: string, csv: string): Promise<Scores> {
  const { stdout } = await run(PYTHON, ['predict_torch.py', checkpoint, csv], { cwd });
  const out = JSON.parse(stdout) as { classes: string[]; labels: string[]; probabilities: number[][] };
  expect(out.classes).toEqual(CLASSES);
  return { labels: out.labels, probabilities: out.probabilities };
}

function pick(scores: Scores, rows: readonly number[]): Scores {
  return {
    labels: rows.map((r) => scores.labels[r] as string),
    probabilities: rows.map((r) => scores.probabilities[r] as number[]),
  };
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

/** The rows of a CSV by column: numbers, null for an empty cell (the example's data has no quoted commas). */
async function csvRows(file: string): Promise<Row[]> {
  const [header = '', ...lines] = (await readFile(file, 'utf8')).trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(
      FEATURES.map((f) => {
        const cell = cells[names.indexOf(f)] ?? '';
        return [f, cell === '' ? null : Number(cell)];
      }),
    );
  });
}

/**
 * `modelgate predict` into JSON lines, read back as scores in row order. Run from the repository
 * root with absolute paths: its worker threads load TypeScript through tsx, found from the cwd.
 */
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

describe.skipIf(!haveTorch)('examples/pytorch end to end, against torch', () => {
  const sandbox = useGitSandbox('byo-pytorch');
  let project: string;
  let rows: Row[];
  /** Torch's outputs for every row of data/penguins.csv, from the winning trial's checkpoint. */
  let torch: Scores;

  beforeAll(async () => {
    project = await sandbox.repo('penguins-torch');
    await cp(EXAMPLE, project, {
      recursive: true,
      filter: (source) => !source.includes('__pycache__'),
    });
    // `python3` on PATH is the Python with torch: the config says `command: python3 train.py`.
    const bin = join(project, '.bin');
    await mkdir(bin);
    await symlink(PYTHON, join(bin, 'python3'));
    ok('split', await runCli(['split', '--out', 'splits'], { cwd: project }));
    const path = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${path ?? ''}`;
    try {
      ok('train', await runCli(['train', '--splits', 'splits', '--out', 'out/model'], { cwd: project }));
    } finally {
      process.env.PATH = path;
    }
    rows = await csvRows(join(project, 'data', 'penguins.csv'));
    torch = await torchScores(project, 'out/model/trainer/checkpoint.pt', 'data/penguins.csv');
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
    ok(
      'evaluate',
      await runCli(['evaluate', '-m', 'out/model', '--splits', 'splits', '--no-baseline', '-o', 'out/eval'], {
        cwd: project,
      }),
    );
    const evaluation = JSON.parse(await readFile(join(project, 'out', 'eval', 'evaluation.json'), 'utf8'));
    // The test split as CSV, for predict_torch.py.
    const db = await Database.open();
    try {
      await db.run(
        `COPY (SELECT * FROM read_parquet(${quoteLiteral(join(project, 'splits', 'test.parquet'))})) TO ${quoteLiteral(join(project, 'test.csv'))} (FORMAT csv, HEADER true)`,
      );
    } finally {
      db.close();
    }
    const test = await torchScores(project, 'out/model/trainer/checkpoint.pt', 'test.csv');
    const [header = '', ...lines] = (await readFile(join(project, 'test.csv'), 'utf8')).trim().split('\n');
    const species = header.split(',').indexOf('Species');
    const truth = lines.map((line) => line.split(',')[species]);
    const correct = test.labels.filter((label, i) => label === truth[i]).length;
    expect(JSON.stringify(evaluation)).toContain('accuracy');
    expect(evaluation.metrics.accuracy).toBe(correct / truth.length);
    const logLoss =
      -test.probabilities.reduce((sum, p, i) => sum + Math.log(p[CLASSES.indexOf(truth[i] ?? '')] ?? 0), 0) /
      truth.length;
    expect(Math.abs(evaluation.metrics.log_loss - logLoss)).toBeLessThan(TOLERANCE);
  });

  it('register, promote, then predict by registry reference, training output and ONNX path: torch outputs', async () => {
    ok('register', await runCli(['register', '--model', 'out/model'], { cwd: project }));
    const version = join(project, 'registry', MODEL, 'versions', 'v1', 'metadata.json');
    const metadata = JSON.parse(await readFile(version, 'utf8'));
    expect(metadata.trainer).toBe('torch-mlp');
    expect(metadata.training.spec.features.map((f: { name: string }) => f.name)).toEqual(FEATURES);
    for (const stage of ['staging', 'production']) {
      ok(`promote to ${stage}`, await runCli(['promote', `${MODEL}@v1`, '--to', stage], { cwd: project }));
    }
    const input = join(project, 'data', 'penguins.csv');
    const models = {
      'by-ref': `${MODEL}#production`,
      'by-dir': join(project, 'out', 'model'),
      'by-path': join(project, 'out', 'model', 'model.onnx'),
    };
    for (const [name, model] of Object.entries(models)) {
      expectTorch(await predictScores(project, model, input, join(project, `${name}.jsonl`)), torch);
    }
  });

  it('serve: OIP per-feature inputs and MLflow dataframe_records by column name answer torch outputs', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const serving = runCli(
      ['serve', '--model', `${MODEL}#production`, '--port', String(port), '--workers', '1'],
      { cwd: project },
    );
    const sample = SAMPLE.map((r) => rows[r] as Row);
    const expected = pick(torch, SAMPLE);
    try {
      await waitReady(url, serving);
      const oip = (await postJson(`${url}/v2/models/${MODEL}/infer`, {
        inputs: FEATURES.map((name) => ({
          name,
          datatype: 'FP32',
          shape: [sample.length, 1],
          data: sample.map((row) => row[name] ?? null),
        })),
      })) as { outputs: { name: string; data: unknown[] }[] };
      const output = (name: string) => oip.outputs.find((o) => o.name === name)?.data ?? [];
      const flat = output('probabilities') as number[];
      expectTorch(
        {
          labels: output('label') as string[],
          probabilities: sample.map((_, i) => flat.slice(i * CLASSES.length, (i + 1) * CLASSES.length)),
        },
        expected,
      );
      const mlflow = (await postJson(`${url}/invocations`, { dataframe_records: sample })) as {
        predictions: { label: string; probabilities: number[] }[];
      };
      expectTorch(
        {
          labels: mlflow.predictions.map((p) => p.label),
          probabilities: mlflow.predictions.map((p) => p.probabilities),
        },
        expected,
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

    it('writes a bundle that predicts torch outputs in headless Chromium', async () => {
      ok(
        'export',
        await runCli(['export', '--model', `${MODEL}#production`, '--target', 'web', '--out', 'web'], {
          cwd: project,
        }),
      );
      if (!existsSync(CHROMIUM)) {
        console.warn(`byo-pytorch: the web bundle is written but not run, no Chromium at ${CHROMIUM}`);
        return;
      }
      server = await serveStatic(join(project, 'web'));
      browser = await launchChromium();
      const page = await browser.newPage();
      await page.goto(`${server.url}/index.html`);
      await page.waitForSelector('body[data-ready="true"]');
      const sample = SAMPLE.map((r) => rows[r] as Row);
      const predicted = (await page.evaluate(
        `import(new URL('modelgate-model.js', location.href).href).then((m) => m.predict(${JSON.stringify(sample)}))`,
      )) as { label: string; probabilities: Record<string, number> }[];
      expectTorch(
        {
          labels: predicted.map((p) => p.label),
          probabilities: predicted.map((p) => CLASSES.map((c) => p.probabilities[c] ?? Number.NaN)),
        },
        pick(torch, SAMPLE),
      );
    }, 120_000);
  });
});
