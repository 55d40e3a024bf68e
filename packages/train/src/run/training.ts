import { dirname, join, resolve } from 'node:path';
import { type Database, type ModelgateConfig, UserError } from '@modelgate/core';
import { type PreparedProblem, prepareProblem } from '../data/prepare.js';
import type { SplitSource } from '../data/split-source.js';
import { runSearch, type SearchResult, type TrialOutcome, type TrialRequest } from '../search/driver.js';
import { plannedEvaluations } from '../search/halving.js';
import { resolveSearch, type SearchSettings } from '../search/settings.js';
import type { SearchSpace } from '../search/space.js';
import type { TrainerLookup } from '../trainers.js';
import { searchSpaceOf } from './candidates.js';
import { writeEncodedSplitSets } from './encoded-splits.js';
import { metricLowerIsBetter, resolveMetric, type SearchMetric } from './metrics.js';
import { createTrialRunner } from './pool.js';
import { failureLine, formatValue } from './report.js';
import { hasCommandCandidate, writeSplitCsv } from './split-csv.js';
import { loadTrainers } from './trainer-module.js';
import { type TrialEnvironment, type TrialTask, trialDir, trialModelPath } from './trial.js';

export interface TrainProgress {
  done: number;
  total: number;
  /** e.g. `trial 3/20 · best log_loss 0.0712 (trial 2)` */
  detail: string;
}

export interface TrainOptions {
  config: ModelgateConfig;
  /** The config file: command trainers run in its directory. */
  configFile: string;
  source: SplitSource;
  /** Scratch directory for trial models; the caller removes it. */
  workDir: string;
  /** Worker processes (default train.search.parallel, else 1). Results do not depend on it. */
  parallel?: number;
  /** A module exporting `trainers` to use before the built-in ones (tests, plugins). */
  trainerModule?: string;
  onProgress?: (progress: TrainProgress) => void;
}

/** A finished search: everything the outputs are written from. */
export interface TrainingRun {
  config: ModelgateConfig;
  configFile: string;
  problem: PreparedProblem;
  space: SearchSpace;
  settings: SearchSettings;
  metric: SearchMetric;
  lowerIsBetter: boolean;
  result: SearchResult;
  trainers: TrainerLookup;
  /** Where each trial's (last) model is. */
  modelPath: (id: number) => string;
  /** A command trial's output directory (its log, checkpoints, files), to keep; undefined for others. */
  trialOutput: (id: number) => string | undefined;
}

/** The error when every trial failed: one line, then every failed trial's id, candidate name and why. */
export function allFailedError(result: SearchResult, space: SearchSpace, records?: string): UserError {
  const details = result.trials.map((t) => {
    const error = t.rungs[t.rungs.length - 1]?.error ?? 'no result';
    return `trial ${t.id} (${space[t.point.candidate]?.label ?? '?'}): ${failureLine(error)}`;
  });
  const where = records ? ` No model was written; ${records}.` : '';
  return new UserError(`all ${result.trials.length} trials failed.${where}`, { details });
}

/** The best trial's id; when nothing succeeded, one UserError listing every trial's reason. */
export function requireSuccess(result: SearchResult, space: SearchSpace): number {
  if (result.best !== undefined) return result.best;
  if (result.trials.length === 0) throw new UserError('no trial ran.');
  throw allFailedError(result, space);
}

/**
 * Prepares the splits, then searches: proposes trials, fits each on the
 * training split (in `parallel` worker processes) and scores it on validation.
 * With a command candidate the splits are written once as CSV first, and
 * encoded for a `preprocess: encoded` one.
 */
export async function runTraining(db: Database, options: TrainOptions): Promise<TrainingRun> {
  const { config } = options;
  const metric = resolveMetric(config.train.metric, config.task);
  const lowerIsBetter = metricLowerIsBetter(metric);
  const trainers = await loadTrainers(options.trainerModule);
  const space = searchSpaceOf(config, trainers);
  const settings = resolveSearch(config.train.search, space, config.split.seed);
  const problem = await prepareProblem(db, config, options.source);
  const commands = hasCommandCandidate(space);
  const encoded = await writeEncodedSplitSets(db, problem, space, options.workDir);
  const env: TrialEnvironment = {
    spec: problem.spec,
    train: problem.sets.train,
    validation: problem.sets.validation,
    splitFiles: problem.splits.files,
    ...(commands
      ? { splitCsv: await writeSplitCsv(db, problem.splits.files, join(options.workDir, 'splits-csv')) }
      : {}),
    ...(encoded ? { encoded } : {}),
    metric,
    seed: settings.seed,
    workDir: options.workDir,
    cwd: resolve(dirname(options.configFile)),
  };
  const runner = await createTrialRunner(env, {
    parallel: options.parallel ?? config.train.search?.parallel ?? 1,
    ...(options.trainerModule ? { trainerModule: options.trainerModule } : {}),
  });
  const total = plannedEvaluations(settings.trials, settings.halving);
  let done = 0;
  let best: { id: number; value: number } | undefined;
  const hear = (task: TrialTask, outcome: TrialOutcome) => {
    done++;
    const value = outcome.value;
    if (outcome.status === 'ok' && value !== undefined && Number.isFinite(value)) {
      if (!best || (lowerIsBetter ? value < best.value : value > best.value)) best = { id: task.id, value };
    }
    const bestText = best ? ` · best ${metric} ${formatValue(best.value)} (trial ${best.id})` : '';
    options.onProgress?.({ done, total, detail: `trial ${done}/${total}${bestText}` });
  };
  const hasBudget = (candidate: number) => {
    const algorithm = space[candidate]?.algorithm;
    return algorithm !== undefined && trainers(algorithm).budget !== undefined;
  };
  try {
    const evaluate = (requests: readonly TrialRequest[]) =>
      runner.run(
        requests.map((r) => ({
          id: r.id,
          rung: r.rung,
          // A trainer without a budget (linear, a command) always runs in full.
          fraction: hasBudget(r.point.candidate) ? r.fraction : 1,
          candidate: space[r.point.candidate] ?? (space[0] as SearchSpace[number]),
          params: r.point.params,
        })),
        hear,
      );
    // Every trial failing is not thrown here: the caller writes their records first (writeTrainingResult).
    const result = await runSearch(space, settings, { lowerIsBetter, hasBudget }, evaluate);
    return {
      config,
      configFile: options.configFile,
      problem,
      space,
      settings,
      metric,
      lowerIsBetter,
      result,
      trainers,
      modelPath: (id) => trialModelPath(options.workDir, id),
      trialOutput: (id) => {
        const trial = result.trials.find((t) => t.id === id);
        const candidate = trial ? space[trial.point.candidate] : undefined;
        return candidate?.command === undefined ? undefined : trialDir(options.workDir, id);
      },
    };
  } finally {
    await runner.close();
  }
}
