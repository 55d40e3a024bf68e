import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, symlink } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Database, quoteLiteral } from '@modelgate/core';
import { expect } from 'vitest';
import { CHROMIUM, launchChromium } from '../../runtime/test/web/chromium.js';
import { serveStatic } from '../../runtime/test/web/static-server.js';
import { freePort, waitReady } from '../../serve/test/cli-server.js';
import { type CliRun, runCli } from './run-cli.js';

/** What the examples/pytorch end-to-end tests share: the project, the CLI stages and the comparison with torch. */

const PYTHON = '/usr/bin/python3';
const EXAMPLE = fileURLToPath(new URL('../../../examples/pytorch', import.meta.url));
const CLASSES = ['Adelie', 'Chinstrap', 'Gentoo'];
export const TOLERANCE = 1e-5;

const run = promisify(execFile);

export interface Scores {
  labels: string[];
  /** One row of class probabilities per row, in CLASSES order. */
  probabilities: number[][];
}

export type Row = Record<string, number | string | null>;

/** Whether /usr/bin/python3 has torch and onnx; warns under `name` when it has not. */
export function haveTorch(name: string): boolean {
  const have = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
  if (!have) {
    console.warn(
      `${name}: skipped, ${PYTHON} cannot import torch and onnx (apt-get install python3-torch python3-onnx)`,
    );
  }
  return have;
}

/** Torch's own outputs: one of the example's predict scripts run with `args` in `cwd`. */
export async function torchScores(cwd: string, args: readonly string[]): Promise<Scores> {
  const { stdout } = await run(PYTHON, args, { cwd });
  const out = JSON.parse(stdout) as Scores & { classes: string[] };
  expect(out.classes).toEqual(CLASSES);
  return { labels: out.labels, probabilities: out.probabilities };
}

export function ok(step: string, result: CliRun): CliRun {
  if (result.code !== 0) {
    throw new Error(`${step} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
  }
  return result;
}

/**
 * The example copied into `project`, split and trained with `config` (the default config when
 * empty), `python3` on PATH being the Python with torch: the configs say `command: python3 ...`.
 */
export async function trainExample(project: string, config: readonly string[] = []): Promise<void> {
  await cp(EXAMPLE, project, { recursive: true, filter: (source) => !source.includes('__pycache__') });
  const bin = join(project, '.bin');
  await mkdir(bin);
  await symlink(PYTHON, join(bin, 'python3'));
  ok('split', await runCli(['split', ...config, '--out', 'splits'], { cwd: project }));
  const path = process.env.PATH;
  process.env.PATH = `${bin}${delimiter}${path ?? ''}`;
  try {
    ok(
      'train',
      await runCli(['train', ...config, '--splits', 'splits', '--out', 'out/model'], { cwd: project }),
    );
  } finally {
    process.env.PATH = path;
  }
}

export function pick(scores: Scores, rows: readonly number[]): Scores {
  return {
    labels: rows.map((r) => scores.labels[r] as string),
    probabilities: rows.map((r) => scores.probabilities[r] as number[]),
  };
}

export function expectTorch(got: Scores, torch: Scores): void {
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

/**
 * The `features` of the example's CSV (no quoted commas in it) by row: text for a `categorical`
 * feature, numbers for the rest, null for an empty cell.
 */
export async function csvRows(
  file: string,
  features: readonly string[],
  categorical: ReadonlySet<string> = new Set(),
): Promise<Row[]> {
  const [header = '', ...lines] = (await readFile(file, 'utf8')).trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(
      features.map((f) => {
        const cell = cells[names.indexOf(f)] ?? '';
        if (cell === '') return [f, null];
        return [f, categorical.has(f) ? cell : Number(cell)];
      }),
    );
  });
}

/** The project's test split written as test.csv, for the Python scripts and predict. */
export async function writeTestCsv(project: string): Promise<string> {
  const csv = join(project, 'test.csv');
  const db = await Database.open();
  try {
    await db.run(
      `COPY (SELECT * FROM read_parquet(${quoteLiteral(join(project, 'splits', 'test.parquet'))})) TO ${quoteLiteral(csv)} (FORMAT csv, HEADER true)`,
    );
  } finally {
    db.close();
  }
  return csv;
}

/**
 * `modelgate evaluate` of out/model on the test split (`config` flags as in trainExample): its
 * accuracy and log loss must be those of torch's `test` scores against the true classes `truth`.
 */
export async function expectEvaluation(
  project: string,
  config: readonly string[],
  test: Scores,
  truth: readonly string[],
): Promise<void> {
  const argv = [
    'evaluate',
    ...config,
    '-m',
    'out/model',
    '--splits',
    'splits',
    '--no-baseline',
    '-o',
    'out/eval',
  ];
  ok('evaluate', await runCli(argv, { cwd: project }));
  const evaluation = JSON.parse(await readFile(join(project, 'out', 'eval', 'evaluation.json'), 'utf8'));
  const correct = test.labels.filter((label, i) => label === truth[i]).length;
  expect(evaluation.metrics.accuracy).toBe(correct / truth.length);
  const logLoss =
    -test.probabilities.reduce((sum, p, i) => sum + Math.log(p[CLASSES.indexOf(truth[i] ?? '')] ?? 0), 0) /
    truth.length;
  expect(Math.abs(evaluation.metrics.log_loss - logLoss)).toBeLessThan(TOLERANCE);
}

/** `model@v1` promoted to staging, then production. */
export async function promoteToProduction(project: string, model: string): Promise<void> {
  for (const stage of ['staging', 'production']) {
    ok(`promote to ${stage}`, await runCli(['promote', `${model}@v1`, '--to', stage], { cwd: project }));
  }
}

/** Predictions of every row of data/penguins.csv by registry reference, training output and ONNX path: torch's. */
export async function expectPredictEveryWay(project: string, model: string, torch: Scores): Promise<void> {
  const input = join(project, 'data', 'penguins.csv');
  const models = {
    'by-ref': `${model}#production`,
    'by-dir': join(project, 'out', 'model'),
    'by-path': join(project, 'out', 'model', 'model.onnx'),
  };
  for (const [name, ref] of Object.entries(models)) {
    expectTorch(await predictScores(project, ref, input, join(project, `${name}.jsonl`)), torch);
  }
}

/**
 * `modelgate predict` into JSON lines, read back as scores in row order. Run from the repository
 * root with absolute paths: its worker threads load TypeScript through tsx, found from the cwd.
 */
export async function predictScores(
  project: string,
  model: string,
  input: string,
  output: string,
): Promise<Scores> {
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

/**
 * `modelgate serve` of `model` asked for `sample` twice, by OIP per-feature inputs (BYTES for a
 * `categorical` feature, FP32 for the rest) and by MLflow dataframe_records; both answers must be
 * `expected`. The server must then stop cleanly.
 */
export async function expectServeScores(
  project: string,
  model: string,
  features: { names: readonly string[]; categorical?: ReadonlySet<string> },
  sample: readonly Row[],
  expected: Scores,
): Promise<void> {
  const categorical = features.categorical ?? new Set();
  const inputs = features.names.map((name) => ({
    name,
    datatype: categorical.has(name) ? 'BYTES' : 'FP32',
    shape: [sample.length, 1],
    data: sample.map((row) => (categorical.has(name) ? (row[name] ?? '') : (row[name] ?? null))),
  }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const name = model.split('#')[0] ?? model;
  const serving = runCli(['serve', '--model', model, '--port', String(port), '--workers', '1'], {
    cwd: project,
  });
  try {
    await waitReady(url, serving);
    const oip = (await postJson(`${url}/v2/models/${name}/infer`, { inputs })) as {
      outputs: { name: string; data: unknown[] }[];
    };
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
}

/**
 * `modelgate export --target web` of `model`, then the bundle's predictions for `sample` in
 * headless Chromium; undefined (with a warning under `name`) where there is no Chromium.
 */
export async function webScores(
  name: string,
  project: string,
  model: string,
  sample: readonly Row[],
): Promise<Scores | undefined> {
  ok(
    'export',
    await runCli(['export', '--model', model, '--target', 'web', '--out', 'web'], { cwd: project }),
  );
  if (!existsSync(CHROMIUM)) {
    console.warn(`${name}: the web bundle is written but not run, no Chromium at ${CHROMIUM}`);
    return undefined;
  }
  const server = await serveStatic(join(project, 'web'));
  try {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/index.html`);
      await page.waitForSelector('body[data-ready="true"]');
      const predicted = (await page.evaluate(
        `import(new URL('modelgate-model.js', location.href).href).then((m) => m.predict(${JSON.stringify(sample)}))`,
      )) as { label: string; probabilities: Record<string, number> }[];
      return {
        labels: predicted.map((p) => p.label),
        probabilities: predicted.map((p) => CLASSES.map((c) => p.probabilities[c] ?? Number.NaN)),
      };
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
  }
}
