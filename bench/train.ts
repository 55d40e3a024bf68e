/**
 * bench:train — our gbdt (and logistic regression, when the linear trainers
 * exist) against scikit-learn's HistGradientBoosting and LogisticRegression(lbfgs)
 * on the same splits of real vega-datasets tables, measured in the same run.
 * Goals: gbdt within 0.5 accuracy points (or 2% RMSE) of HistGradientBoosting at
 * <= 1.5x its fit time; logistic at equal log loss (±1%) in no more time than lbfgs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '@modelgate/core';
import { GBDT_DEFAULTS, gbdtTrainer } from '../packages/train/src/gbdt/index.js';
import type { Params, Trainer } from '../packages/train/src/types.js';
import { type PreparedTask, prepareTask } from '../packages/train/test/gbdt-data.js';
import { writeSplitsCsv } from './train-csv.js';
import { BENCH_DATASETS } from './train-datasets.js';
import { type Quality, qualityOf } from './train-metrics.js';

const PYTHON = '/usr/bin/python3';
const SEED = 42;
const GBDT_PARAMS: Params = {};
const LOGISTIC_PARAMS: Params = {};

interface Result {
  dataset: string;
  model: 'gbdt' | 'logistic';
  quality: Quality;
  seconds: number;
  rounds?: number;
}

async function logisticTrainer(): Promise<Trainer | undefined> {
  const linear = (await import('../packages/train/src/linear/index.js')) as Record<string, unknown>;
  return linear.logisticTrainer as Trainer | undefined;
}

async function timedFit(trainer: Trainer, task: PreparedTask, params: Params, repeats: number) {
  const times: number[] = [];
  let model: Awaited<ReturnType<Trainer['fit']>> | undefined;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    model = await trainer.fit(task.spec, task.train, task.validation, params, { seed: SEED });
    times.push((performance.now() - start) / 1000);
  }
  if (!model) throw new Error('no fit');
  return { model, seconds: times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number };
}

function sklearnAvailable(): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
}

function sklearnResults(root: string): Result[] {
  const run = spawnSync(PYTHON, [join(import.meta.dirname, 'train_sklearn.py'), root], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (run.status !== 0) throw new Error(`train_sklearn.py failed:\n${run.stderr}`);
  return run.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const { dataset, model, seconds, rounds, ...quality } = JSON.parse(line);
      return { dataset, model, seconds, rounds, quality };
    });
}

const pct = (v: number | undefined) => (v === undefined ? '-' : `${(v * 100).toFixed(2)}%`);
const num = (v: number | undefined, digits = 4) => (v === undefined ? '-' : v.toFixed(digits));

function describeQuality(q: Quality | undefined, model: string): string {
  if (!q) return '-';
  if (q.rmse !== undefined) return `rmse ${num(q.rmse)}`;
  return model === 'gbdt' ? `acc ${pct(q.accuracy)}` : `logloss ${num(q.log_loss)}`;
}

/** Whether a goal is met, and by how much it is missed. */
function verdict(ours: Result, theirs: Result | undefined): string {
  if (!theirs) return 'no reference';
  const timeRatio = ours.seconds / theirs.seconds;
  const misses: string[] = [];
  if (ours.model === 'gbdt') {
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

function printTable(ours: readonly Result[], theirs: readonly Result[], rows: ReadonlyMap<string, number>): void {
  const header = ['dataset', 'rows', 'model', 'ours', 'sklearn', 'our s', 'sklearn s', 'time ratio', 'rounds', 'goal'];
  const table = ours.map((o) => {
    const t = theirs.find((r) => r.dataset === o.dataset && r.model === o.model);
    return [
      o.dataset,
      String(rows.get(o.dataset) ?? ''),
      o.model,
      describeQuality(o.quality, o.model),
      describeQuality(t?.quality, o.model),
      num(o.seconds, 3),
      num(t?.seconds, 3),
      t ? `${(o.seconds / t.seconds).toFixed(2)}x` : '-',
      o.rounds === undefined ? '-' : `${o.rounds}/${t?.rounds ?? '-'}`,
      verdict(o, t),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => (r[c] as string).length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of table) console.log(line(r));
}

const root = await mkdtemp(join(tmpdir(), 'modelgate-bench-train-'));
const ours: Result[] = [];
const rowCounts = new Map<string, number>();
const logistic = await logisticTrainer();
const db = await Database.open();
try {
  const manifest: { name: string; dir: string }[] = [];
  for (const [i, bench] of BENCH_DATASETS.entries()) {
    const task = await prepareTask(db, { ...bench.options, seed: SEED });
    rowCounts.set(bench.name, task.train.rows + task.validation.rows + task.test.rows);
    const gbdt = await timedFit(gbdtTrainer, task, GBDT_PARAMS, bench.repeats);
    const classes = task.spec.classes?.length ?? 0;
    ours.push({
      dataset: bench.name,
      model: 'gbdt',
      quality: qualityOf(gbdt.model.predict(task.test), task.test, classes),
      seconds: gbdt.seconds,
      rounds: Number(gbdt.model.info.rounds),
    });
    if (logistic && task.spec.task !== 'regression') {
      const fit = await timedFit(logistic, task, LOGISTIC_PARAMS, bench.repeats);
      ours.push({
        dataset: bench.name,
        model: 'logistic',
        quality: qualityOf(fit.model.predict(task.test), task.test, classes),
        seconds: fit.seconds,
      });
    }
    const dir = `d${i}`;
    await writeSplitsCsv(join(root, dir), task, GBDT_DEFAULTS.max_cat_bins, bench.repeats);
    manifest.push({ name: bench.name, dir });
    console.error(`trained on ${bench.name} (${rowCounts.get(bench.name)} rows)`);
  }
  const params = {
    ...GBDT_DEFAULTS,
    ...GBDT_PARAMS,
    seed: SEED,
    logistic_l2: Number(LOGISTIC_PARAMS.l2 ?? logistic?.defaults.l2 ?? 0),
  };
  await writeFile(join(root, 'datasets.json'), JSON.stringify({ params, datasets: manifest }));
  const theirs = sklearnAvailable() ? sklearnResults(root) : [];
  if (theirs.length === 0) console.log(`scikit-learn not found at ${PYTHON}: showing our numbers only.`);
  console.log(`bench:train — fit time (median) and test-split quality; seed ${SEED}; ${logistic ? '' : 'logistic: not built yet; '}2 cores`);
  printTable(ours, theirs, rowCounts);
} finally {
  db.close();
  await rm(root, { recursive: true, force: true });
}
