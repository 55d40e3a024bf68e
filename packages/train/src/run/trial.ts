import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { errorMessage, type SplitName, UserError } from '@modelgate/core';
import { createSession, readSignature, runOnColumns } from '@modelgate/runtime';
import type { TrialOutcome } from '../search/driver.js';
import { rungBudget } from '../search/halving.js';
import type { CandidateSpace } from '../search/space.js';
import type { TrainerLookup } from '../trainers.js';
import type { Params, ParamValue, Predictions, ProblemSpec, Trainer, TrainingSet } from '../types.js';
import { type CommandResult, runCommandTrial } from './command.js';
import { composeCommandModel } from './encoded-model.js';
import { type EncodedSplitSets, encodedSplitsOf } from './encoded-splits.js';
import { describeGpus, machineGpus } from './gpu.js';
import { type SearchMetric, trialMetrics } from './metrics.js';

/** What every trial of a search shares; sent once to each worker process. */
export interface TrialEnvironment {
  spec: ProblemSpec;
  train: TrainingSet;
  validation: TrainingSet;
  /** The split Parquet files, for command trainers. */
  splitFiles: Record<SplitName, string>;
  /** The same splits as CSV, for command trainers; written once when the space has a command. */
  splitCsv?: Record<SplitName, string>;
  /** The encoded splits of `preprocess: encoded` commands, by encoding key. */
  encoded?: EncodedSplitSets;
  metric: SearchMetric;
  seed: number;
  /** Each trial writes into `<workDir>/trial-<id>/` (model.onnx, and a command's files). */
  workDir: string;
  /** Command trainers run here: the config file's directory. */
  cwd: string;
}

export interface TrialTask {
  id: number;
  rung: number;
  /** Share of the full budget (1 without halving). */
  fraction: number;
  candidate: CandidateSpace;
  params: Params;
}

export function trialDir(workDir: string, id: number): string {
  return join(workDir, `trial-${id}`);
}

export function trialModelPath(workDir: string, id: number): string {
  return join(trialDir(workDir, id), 'model.onnx');
}

/** The full budget of a trainer given these params (e.g. params.rounds), which halving cuts. */
export function fullBudget(trainer: Trainer, params: Params): number | undefined {
  if (!trainer.budget) return undefined;
  const set = params[trainer.budget.name] ?? trainer.defaults[trainer.budget.name];
  return typeof set === 'number' ? set : trainer.budget.max;
}

interface Fitted {
  predictions: Predictions;
  info: Record<string, ParamValue>;
  budget?: number;
}

async function fitBuiltIn(env: TrialEnvironment, task: TrialTask, trainer: Trainer): Promise<Fitted> {
  const budget = rungBudget(fullBudget(trainer, task.params), task.fraction);
  const model = await trainer.fit(env.spec, env.train, env.validation, task.params, {
    seed: env.seed,
    ...(budget === undefined ? {} : { budget }),
  });
  const predictions = model.predict(env.validation);
  const dir = trialDir(env.workDir, task.id);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.onnx'), model.toOnnx(env.spec));
  return { predictions, info: { ...model.info }, ...(budget === undefined ? {} : { budget }) };
}

async function fitCommand(env: TrialEnvironment, task: TrialTask, command: string): Promise<Fitted> {
  if (!env.splitCsv) throw new Error('the CSV splits were not written before a command trial');
  const encoded = encodedSplitsOf(env.encoded, task.candidate);
  const result = await runCommandTrial({
    command,
    cwd: env.cwd,
    outDir: trialDir(env.workDir, task.id),
    splits: env.splitFiles,
    csv: env.splitCsv,
    params: task.params,
    spec: env.spec,
    seed: env.seed,
    ...(task.candidate.timeoutMinutes === undefined ? {} : { timeoutMinutes: task.candidate.timeoutMinutes }),
    ...(encoded ? { encoded } : {}),
  });
  const withTail = (err: unknown, what: string) => {
    if (!(err instanceof UserError)) return err;
    const tail = result.tail ? `\nLast lines of its output:\n${result.tail}` : '';
    return new UserError(`${what}${err.message}${tail}`);
  };
  const model = encoded
    ? await composeCommandModel({
        model: result.model,
        modelPath: result.modelPath,
        encoded,
        spec: env.spec,
        validation: env.validation,
      }).catch((err: unknown) => {
        throw withTail(err, '');
      })
    : result.model;
  const session = await createSession(model, { label: result.modelPath, intraOpNumThreads: 1 }).catch(
    (err: unknown) => {
      throw withTail(err, '');
    },
  );
  try {
    const predictions = await runOnColumns(session, env.spec, env.validation);
    const signature = readSignature(session);
    const gpus = await machineGpus();
    return {
      predictions,
      info: {
        ...result.reported,
        inputs: signature.inputs.length,
        ...(encoded ? { encoded_columns: encoded.encoding.width } : {}),
        ...(gpus ? { gpu: describeGpus(gpus) } : {}),
        ...commandGpuInfo(result),
        exit_reason: 'exit code 0',
      },
    };
  } catch (err) {
    throw withTail(err, `${result.modelPath} (from '${command}') does not fit the data: `);
  } finally {
    await session.release();
  }
}

/** The device a command trial was given and what it did on it: trials.json's info, trials.md's GPU table. */
function commandGpuInfo(result: CommandResult): Record<string, ParamValue> {
  return {
    ...(result.visibleDevices !== undefined ? { cuda_visible_devices: result.visibleDevices } : {}),
    ...(result.gpu
      ? {
          gpu_device: result.gpu.name,
          gpu_peak_memory_mib: result.gpu.peakMemoryMiB,
          gpu_peak_utilization_pct: result.gpu.peakUtilization,
          gpu_mean_utilization_pct: result.gpu.meanUtilization,
        }
      : {}),
  };
}

/**
 * Fits one trial on the training split and scores it on validation with the
 * search metric; its model goes to `<workDir>/trial-<id>/model.onnx`. A
 * failure is an outcome, not an exception: one bad trial does not end a search.
 */
export async function evaluateTrial(
  env: TrialEnvironment,
  task: TrialTask,
  trainers: TrainerLookup,
): Promise<TrialOutcome> {
  const started = performance.now();
  try {
    const { candidate } = task;
    const fitted = candidate.algorithm
      ? await fitBuiltIn(env, task, trainers(candidate.algorithm))
      : await fitCommand(env, task, candidate.command ?? '');
    const metrics = trialMetrics(env.metric, env.spec, env.validation.target, fitted.predictions);
    return {
      status: 'ok',
      value: metrics[env.metric] as number,
      metrics,
      info: fitted.info,
      ...(fitted.budget === undefined ? {} : { budget: fitted.budget }),
      durationMs: Math.round(performance.now() - started),
    };
  } catch (err) {
    return {
      status: 'failed',
      error: err instanceof UserError ? err.message : `internal error: ${errorMessage(err)}`,
      durationMs: Math.round(performance.now() - started),
    };
  }
}
