import { copyFile, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import {
  type Database,
  type DataSpec,
  type ModelgateConfig,
  parseJson,
  pathExists,
  readJsonFile,
  UserError,
  writeFileAtomic,
} from '@modelgate/core';
import { type PreparedProblem, prepareProblem } from '../data/prepare.js';
import { readSplitDirectory, type SplitSource } from '../data/split-source.js';
import { fitProblemEncoding } from '../preprocess/files.js';
import {
  fixedTrialPoints,
  type SearchResult,
  type TrialOutcome,
  type TrialRecord,
} from '../search/driver.js';
import { resolveSearch, type SearchSettings } from '../search/settings.js';
import type { SearchSpace, TrialPoint } from '../search/space.js';
import { linkOrCopy } from './artifacts.js';
import { searchSpaceOf } from './candidates.js';
import { encodingsOf, writeEncodedSplitSets } from './encoded-splits.js';
import { metricLowerIsBetter, resolveMetric, type SearchMetric } from './metrics.js';
import { existingSplitCsv, hasCommandCandidate, writeSplitCsv } from './split-csv.js';
import { loadTrainers } from './trainer-module.js';
import type { TrainingRun } from './training.js';
import { evaluateTrial, trialDir } from './trial.js';

export const PLAN_FILE = 'plan.json';
export const MATRIX_FILE = 'matrix.json';
export const RESULT_FILE = 'result.json';
/** Inside the plan directory: the splits every matrix job trains on. */
export const PLAN_SPLITS_DIR = 'splits';
/** Inside the plan directory: the trials' result directories, by default. */
export const PLAN_TRIALS_DIR = 'trials';
/** Inside a trial's result directory: a command trial's $MODELGATE_OUTPUT_DIR, kept for collect. */
export const TRIAL_OUTPUT_DIR = 'output';

/** plan.json: a search fixed ahead of time, so its trials can run as separate jobs. */
export interface TrainPlan {
  version: 1;
  model: string;
  /** The parsed config: every job trains with exactly this one. */
  config: ModelgateConfig;
  configFile: string;
  /** The config's directory relative to where `train plan` ran: jobs run from the same place. */
  projectDir: string;
  metric: SearchMetric;
  search: SearchSettings;
  space: SearchSpace;
  trials: { id: number; candidate: number; label: string; params: TrialPoint['params'] }[];
}

/** result.json of one matrix job. */
export interface TrialResultFile {
  version: 1;
  id: number;
  outcome: TrialOutcome;
}

/**
 * Fixes the trial list of a grid or random search. TPE proposes each trial
 * from earlier results and halving promotes by them: both need the whole
 * search in one place, so a plan with them is refused.
 */
export function planTrials(
  config: ModelgateConfig,
  space: SearchSpace,
): { settings: SearchSettings; points: TrialPoint[] } {
  const settings = resolveSearch(config.train.search, space, config.split.seed);
  if (settings.strategy === 'tpe') {
    throw new UserError(
      'train plan: strategy tpe proposes each trial from the results of earlier ones, so its trials cannot be fixed ahead as a matrix. Use strategy random or grid for a plan, or run `modelgate train --parallel N` on one runner.',
    );
  }
  if (settings.halving) {
    throw new UserError(
      'train plan: successive halving (train.search.halving) decides which trials go on from the results of earlier rungs, so it cannot be fixed ahead as a matrix. Remove halving for a plan, or run `modelgate train` on one runner.',
    );
  }
  return { settings, points: fixedTrialPoints(space, settings) };
}

export interface PlanOptions {
  config: ModelgateConfig;
  configFile: string;
  /** A split directory (copied into the plan), or data to split into it. */
  source: { splits: string } | { data: DataSpec };
  trainerModule?: string;
}

/**
 * Writes a plan into `dir` (a staging directory): the splits (also as CSV
 * when a candidate is a command), plan.json and matrix.json
 * (`{"include":[{"id":0},…]}` for a GitHub Actions matrix).
 */
export async function writePlan(db: Database, dir: string, options: PlanOptions): Promise<TrainPlan> {
  const { config } = options;
  const metric = resolveMetric(config.train.metric, config.task);
  const space = searchSpaceOf(config, await loadTrainers(options.trainerModule));
  const { settings, points } = planTrials(config, space);
  // Checks the data now, not in every matrix job; copies the splits into the plan.
  const splitsDir = join(dir, PLAN_SPLITS_DIR);
  const source: SplitSource =
    'splits' in options.source
      ? await copySplits(options.source.splits, splitsDir)
      : { data: options.source.data, out: splitsDir };
  const problem = await prepareProblem(db, config, source);
  // A feature the encoding refuses (e.g. constant) fails the plan, not every matrix job.
  for (const options of encodingsOf(space)) fitProblemEncoding(problem, options);
  // Beside the Parquet, once for every matrix job: command trainers may read CSV.
  if (hasCommandCandidate(space)) await writeSplitCsv(db, problem.splits.files, splitsDir);
  const plan: TrainPlan = {
    version: 1,
    model: config.model,
    config,
    configFile: options.configFile,
    projectDir: relative(process.cwd(), resolve(dirname(options.configFile))) || '.',
    metric,
    search: settings,
    space,
    trials: points.map((p, id) => ({
      id,
      candidate: p.candidate,
      label: space[p.candidate]?.label ?? '',
      params: p.params,
    })),
  };
  await writeFileAtomic(join(dir, PLAN_FILE), `${JSON.stringify(plan, null, 2)}\n`);
  await writeFileAtomic(
    join(dir, MATRIX_FILE),
    `${JSON.stringify({ include: plan.trials.map((t) => ({ id: t.id })) })}\n`,
  );
  return plan;
}

async function copySplits(from: string, to: string): Promise<SplitSource> {
  const found = await readSplitDirectory(from);
  await mkdir(to, { recursive: true });
  await copyFile(join(from, 'splits.json'), join(to, 'splits.json'));
  for (const name of ['train', 'validation', 'test'] as const) {
    await copyFile(found.files[name], join(to, found.manifest.splits[name].file));
  }
  return { splits: to };
}

function isPlan(value: unknown): value is TrainPlan {
  const p = value as Partial<TrainPlan> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    p.version === 1 &&
    Array.isArray(p.trials) &&
    Array.isArray(p.space)
  );
}

export async function readPlan(planDir: string): Promise<TrainPlan> {
  const path = join(planDir, PLAN_FILE);
  const plan = await readJsonFile(path, 'training plan', "Run 'modelgate train plan --out <dir>' first.");
  if (!isPlan(plan)) throw new UserError(`${path}: not a modelgate training plan (version 1 with trials).`);
  return plan;
}

/** The plan's splits, prepared as `train` would. */
export function preparePlanned(db: Database, plan: TrainPlan, planDir: string): Promise<PreparedProblem> {
  return prepareProblem(db, plan.config, { splits: join(planDir, PLAN_SPLITS_DIR) });
}

/** The default directory of a trial's result: `<plan>/trials/<id>`. */
export function plannedTrialDir(planDir: string, id: number): string {
  return join(planDir, PLAN_TRIALS_DIR, String(id));
}

/**
 * Runs trial `id` of a plan (one matrix job) and writes result.json and
 * model.onnx into `outDir` (a staging directory); a command trial's output
 * directory (its log, checkpoints, files) goes beside them as output/, unless
 * train.artifacts.keep is false. The trial's failure is recorded, not thrown:
 * collect decides what a failed trial means.
 */
export async function runPlannedTrial(
  db: Database,
  plan: TrainPlan,
  planDir: string,
  id: number,
  outDir: string,
  options: { trainerModule?: string } = {},
): Promise<TrialResultFile> {
  const trial = plan.trials.find((t) => t.id === id);
  if (!trial) {
    throw new UserError(`--id ${id}: the plan has trials 0 to ${plan.trials.length - 1}.`);
  }
  const problem = await preparePlanned(db, plan, planDir);
  const trainers = await loadTrainers(options.trainerModule);
  const candidate = plan.space[trial.candidate];
  if (!candidate)
    throw new UserError(
      `${join(planDir, PLAN_FILE)}: trial ${id} names candidate ${trial.candidate}, which the plan lacks.`,
    );
  // The trial writes into <outDir>/.work/trial-<id>/; the result keeps model.onnx beside result.json.
  const work = join(outDir, '.work');
  const command = candidate.command !== undefined;
  // A plan made before CSV splits existed has none: this job writes its own.
  const splitCsv = command
    ? ((await existingSplitCsv(join(planDir, PLAN_SPLITS_DIR))) ??
      (await writeSplitCsv(db, problem.splits.files, join(work, 'splits-csv'))))
    : undefined;
  // Fitted on the plan's training split again: the same encoding every job of the plan gets.
  const encoded = await writeEncodedSplitSets(db, problem, [candidate], work);
  const outcome = await evaluateTrial(
    {
      spec: problem.spec,
      train: problem.sets.train,
      validation: problem.sets.validation,
      splitFiles: problem.splits.files,
      ...(splitCsv ? { splitCsv } : {}),
      ...(encoded ? { encoded } : {}),
      metric: plan.metric,
      seed: plan.search.seed,
      workDir: work,
      cwd: resolve(plan.projectDir),
    },
    { id, rung: 0, fraction: 1, candidate, params: trial.params },
    trainers,
  );
  const trialOutput = trialDir(work, id);
  if (outcome.status === 'ok') await linkOrCopy(join(trialOutput, 'model.onnx'), join(outDir, 'model.onnx'));
  if (command && (plan.config.train.artifacts?.keep ?? true) && (await pathExists(trialOutput))) {
    await rename(trialOutput, join(outDir, TRIAL_OUTPUT_DIR));
  }
  await rm(work, { recursive: true, force: true });
  const result: TrialResultFile = { version: 1, id, outcome };
  await writeFileAtomic(join(outDir, RESULT_FILE), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** Every result.json under `root` (matrix artifacts may land one or two folders deep). */
async function findResults(root: string, depth = 3): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(root, entry.name);
    if (entry.isFile() && entry.name === RESULT_FILE) found.push(path);
    else if (entry.isDirectory() && depth > 0) found.push(...(await findResults(path, depth - 1)));
  }
  return found;
}

/**
 * Gathers the matrix jobs' results into a finished search, as `train` would
 * have produced it. A trial without a result counts as failed.
 */
export async function collectPlan(
  db: Database,
  planDir: string,
  options: { trialsDir?: string; trainerModule?: string } = {},
): Promise<TrainingRun & { missing: number[] }> {
  const plan = await readPlan(planDir);
  const root = options.trialsDir ?? join(planDir, PLAN_TRIALS_DIR);
  const results = new Map<number, { outcome: TrialOutcome; dir: string }>();
  for (const path of await findResults(root)) {
    const parsed = parseJson(await readFile(path, 'utf8'), path) as Partial<TrialResultFile>;
    if (parsed.version !== 1 || typeof parsed.id !== 'number' || !parsed.outcome) {
      throw new UserError(`${path}: not a modelgate trial result.`);
    }
    if (results.has(parsed.id)) throw new UserError(`${path}: a second result for trial ${parsed.id}.`);
    results.set(parsed.id, { outcome: parsed.outcome, dir: dirname(path) });
  }
  const missing: number[] = [];
  const trials: TrialRecord[] = plan.trials.map((t) => {
    const found = results.get(t.id);
    if (!found) missing.push(t.id);
    const outcome: TrialOutcome = found?.outcome ?? {
      status: 'failed',
      error: `no ${RESULT_FILE} for this trial under ${root} (its matrix job did not run, failed, or its artifact was not downloaded)`,
      durationMs: 0,
    };
    return {
      id: t.id,
      point: { candidate: t.candidate, params: t.params },
      status: outcome.status,
      rungs: [{ ...outcome, rung: 0, fraction: 1 }],
    };
  });
  const lowerIsBetter = metricLowerIsBetter(plan.metric);
  const ranked = trials
    .filter((t) => t.status === 'ok' && Number.isFinite(t.rungs[0]?.value))
    .sort((a, b) => {
      const [x, y] = [a.rungs[0]?.value ?? 0, b.rungs[0]?.value ?? 0];
      return (lowerIsBetter ? x - y : y - x) || a.id - b.id;
    });
  const result: SearchResult = ranked[0] ? { trials, best: ranked[0].id } : { trials };
  // Every trial failing is not thrown here: the caller writes their records first (writeTrainingResult).
  if (result.best !== undefined) {
    const bestDir = results.get(result.best)?.dir ?? '';
    await stat(join(bestDir, 'model.onnx')).catch(() => {
      throw new UserError(`${bestDir}: the best trial's model.onnx is missing beside its ${RESULT_FILE}.`);
    });
  }
  const outputs = new Map<number, string>();
  for (const [id, found] of results) {
    const output = join(found.dir, TRIAL_OUTPUT_DIR);
    if ((await stat(output).catch(() => undefined))?.isDirectory()) outputs.set(id, output);
  }
  return {
    config: plan.config,
    configFile: plan.configFile,
    problem: await preparePlanned(db, plan, planDir),
    space: plan.space,
    settings: plan.search,
    metric: plan.metric,
    lowerIsBetter,
    result,
    trainers: await loadTrainers(options.trainerModule),
    modelPath: (id) => join(results.get(id)?.dir ?? '', 'model.onnx'),
    trialOutput: (id) => outputs.get(id),
    missing,
  };
}
