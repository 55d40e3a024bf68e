/**
 * bench:train — our gbdt (and logistic regression) against scikit-learn's
 * HistGradientBoosting and LogisticRegression(lbfgs) on the same splits of real
 * vega-datasets tables, measured in the same run: each of our fits is followed
 * by one of scikit-learn's, so both see the same machine load.
 * Goals: gbdt within 0.5 accuracy points (or 2% RMSE) of HistGradientBoosting at
 * <= 1.5x its fit time; logistic at equal log loss (±1%) in no more time than lbfgs.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '@modelgate/core';
import { GBDT_DEFAULTS, gbdtTrainer } from '../packages/train/src/gbdt/index.js';
import type { Params, Trainer } from '../packages/train/src/types.js';
import { type PreparedTask, prepareTask } from '../packages/train/test/gbdt-data.js';
import { writeSplitsCsv } from './train-csv.js';
import { BENCH_DATASETS } from './train-datasets.js';
import { type Quality, qualityOf } from './train-metrics.js';
import { type SklearnFit, SklearnServer } from './train-sklearn.js';

const SEED = 42;
const GBDT_PARAMS: Params = {};
const LOGISTIC_PARAMS: Params = {};

type ModelName = 'gbdt' | 'logistic';

interface Side {
  quality: Quality;
  /** Ours: whether every repeat gave the same ONNX bytes. */
  deterministic?: boolean;
  /** Best of the repeats. */
  seconds: number;
  rounds?: number;
}

interface Row {
  dataset: string;
  rows: number;
  model: ModelName;
  ours: Side;
  theirs: Side | undefined;
}

async function logisticTrainer(): Promise<Trainer | undefined> {
  const linear = (await import('../packages/train/src/linear/index.js')) as Record<string, unknown>;
  return linear.logisticTrainer as Trainer | undefined;
}

async function ourFit(trainer: Trainer, task: PreparedTask, params: Params) {
  const start = performance.now();
  const model = await trainer.fit(task.spec, task.train, task.validation, params, { seed: SEED });
  return { model, seconds: (performance.now() - start) / 1000 };
}

/** scikit-learn's fits vary with random_state (its early-stopping holdout): mean quality, best time. */
function summarize(fits: readonly SklearnFit[]): Side | undefined {
  const first = fits[0];
  if (!first) return undefined;
  const mean = (pick: (f: SklearnFit) => number | undefined) => {
    const values = fits.map(pick).filter((v): v is number => v !== undefined);
    return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
  };
  const quality: Quality = {};
  for (const key of Object.keys(first.quality) as (keyof Quality)[]) {
    const value = mean((f) => f.quality[key]);
    if (value !== undefined) quality[key] = value;
  }
  const rounds = mean((f) => f.rounds);
  const seconds = Math.min(...fits.map((f) => f.seconds));
  return rounds === undefined ? { quality, seconds } : { quality, seconds, rounds };
}

async function compare(
  trainer: Trainer,
  model: ModelName,
  task: PreparedTask,
  params: Params,
  repeats: number,
  sklearn: { server: SklearnServer; dir: string } | undefined,
): Promise<{ ours: Side; theirs: Side | undefined }> {
  const times: number[] = [];
  const fits: SklearnFit[] = [];
  const digests = new Set<string>();
  let ours: Side | undefined;
  for (let r = 0; r < repeats; r++) {
    const fit = await ourFit(trainer, task, params);
    times.push(fit.seconds);
    digests.add(createHash('sha256').update(fit.model.toOnnx(task.spec)).digest('hex'));
    if (!ours) {
      const quality = qualityOf(fit.model.predict(task.test), task.test, task.spec.classes?.length ?? 0);
      ours = { quality, seconds: 0, ...(model === 'gbdt' ? { rounds: Number(fit.model.info.rounds) } : {}) };
    }
    if (sklearn) fits.push(await sklearn.server.fit(sklearn.dir, model, r));
  }
  if (!ours) throw new Error('no fit');
  return {
    ours: { ...ours, seconds: Math.min(...times), deterministic: digests.size === 1 },
    theirs: summarize(fits),
  };
}

const pct = (v: number | undefined) => (v === undefined ? '-' : `${(v * 100).toFixed(2)}%`);
const num = (v: number | undefined, digits = 4) => (v === undefined ? '-' : v.toFixed(digits));

function describeQuality(q: Quality | undefined, model: ModelName): string {
  if (!q) return '-';
  if (q.rmse !== undefined) return `rmse ${num(q.rmse)}`;
  return model === 'gbdt' ? `acc ${pct(q.accuracy)}` : `logloss ${num(q.log_loss)}`;
}

/** 'met', or what was missed and by how much. */
function verdict(row: Row): string {
  const { ours, theirs } = row;
  if (!theirs) return 'no reference';
  const timeRatio = ours.seconds / theirs.seconds;
  const misses: string[] = [];
  if (ours.deterministic === false) misses.push('repeats gave different models');
  if (row.model === 'gbdt') {
    if (ours.quality.rmse !== undefined && theirs.quality.rmse !== undefined) {
      const excess = ours.quality.rmse / theirs.quality.rmse - 1;
      if (excess > 0.02) misses.push(`rmse +${(excess * 100).toFixed(1)}%`);
    } else {
      const gap = ((theirs.quality.accuracy ?? 0) - (ours.quality.accuracy ?? 0)) * 100;
      if (gap > 0.5) misses.push(`accuracy -${gap.toFixed(2)} pts`);
    }
    if (timeRatio > 1.5) misses.push(`time ${timeRatio.toFixed(2)}x > 1.5x`);
  } else {
    const excess = (ours.quality.log_loss ?? 0) / (theirs.quality.log_loss ?? 1) - 1;
    if (excess > 0.01) misses.push(`log loss +${(excess * 100).toFixed(1)}%`);
    if (timeRatio > 1) misses.push(`time ${timeRatio.toFixed(2)}x > 1x`);
  }
  return misses.length === 0 ? 'met' : `MISSED (${misses.join(', ')})`;
}

function printTable(rows: readonly Row[]): void {
  const header = [
    'dataset',
    'rows',
    'model',
    'ours',
    'sklearn',
    'our s',
    'sklearn s',
    'time ratio',
    'rounds',
    'goal',
  ];
  const table = rows.map((row) => {
    const { ours, theirs } = row;
    return [
      row.dataset,
      String(row.rows),
      row.model,
      describeQuality(ours.quality, row.model),
      describeQuality(theirs?.quality, row.model),
      num(ours.seconds, 3),
      num(theirs?.seconds, 3),
      theirs ? `${(ours.seconds / theirs.seconds).toFixed(2)}x` : '-',
      ours.rounds === undefined ? '-' : `${ours.rounds}/${theirs?.rounds?.toFixed(0) ?? '-'}`,
      verdict(row),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => (r[c] as string).length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of table) console.log(line(r));
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const root = await mkdtemp(join(tmpdir(), 'modelgate-bench-train-'));
const logistic = await logisticTrainer();
const paramsFile = join(root, 'params.json');
await writeFile(
  paramsFile,
  JSON.stringify({
    ...GBDT_DEFAULTS,
    ...GBDT_PARAMS,
    seed: SEED,
    logistic_l2: Number(LOGISTIC_PARAMS.l2 ?? logistic?.defaults.l2 ?? 1),
  }),
);
const server = SklearnServer.start(paramsFile);
const db = await Database.open();
const rows: Row[] = [];
const loadBefore = load();
try {
  // `npm run bench:train -- flights` runs only the datasets whose name contains 'flights'.
  const only = process.argv[2];
  for (const [i, bench] of BENCH_DATASETS.entries()) {
    if (only && !bench.name.includes(only)) continue;
    const task = await prepareTask(db, { ...bench.options, seed: SEED });
    const count = task.train.rows + task.validation.rows + task.test.rows;
    const dir = join(root, `d${i}`);
    if (server) await writeSplitsCsv(dir, task, GBDT_DEFAULTS.max_cat_bins);
    const sklearn = server ? { server, dir } : undefined;
    const gbdt = await compare(gbdtTrainer, 'gbdt', task, GBDT_PARAMS, bench.repeats, sklearn);
    rows.push({ dataset: bench.name, rows: count, model: 'gbdt', ...gbdt });
    if (logistic && task.spec.task !== 'regression') {
      const repeats = bench.logisticRepeats ?? bench.repeats;
      const fit = await compare(logistic, 'logistic', task, LOGISTIC_PARAMS, repeats, sklearn);
      rows.push({ dataset: bench.name, rows: count, model: 'logistic', ...fit });
    }
    console.error(`benchmarked ${bench.name} (${count} rows)`);
  }
} finally {
  server?.close();
  db.close();
  await rm(root, { recursive: true, force: true });
}
if (!server) console.log('scikit-learn not found at /usr/bin/python3: showing our numbers only.');
console.log(
  `bench:train — test-split quality, fit time (best of the repeats, fits alternating with scikit-learn's); seed ${SEED}; ${availableParallelism()} cores; load average ${loadBefore} before, ${load()} after${logistic ? '' : '; logistic: not built yet'}`,
);
printTable(rows);
console.log(
  'HistGradientBoosting fits train+validation and holds out as many rows for early stopping, chosen by',
);
console.log(
  'its random_state (one per repeat): its quality is the mean of its fits; ours stops on the validation split.',
);
