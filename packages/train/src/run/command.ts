import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { errorMessage, type SplitName, UserError } from '@modelgate/core';
import type { EncodedSplits } from '../preprocess/files.js';
import type { Params, ProblemSpec } from '../types.js';
import { machineGpus } from './gpu.js';
import { type GpuUsage, watchGpus } from './gpu-usage.js';
import { OutputTail } from './output-tail.js';

export const DEFAULT_COMMAND_TIMEOUT_MINUTES = 60;

export interface CommandTrial {
  command: string;
  /** The command runs here: the config file's directory. */
  cwd: string;
  /** $MODELGATE_OUTPUT_DIR: params.json goes in, model.onnx (and metrics.json) come out. */
  outDir: string;
  /** The Parquet splits. */
  splits: Record<SplitName, string>;
  /** The same splits as CSV, written once per training run (or plan). */
  csv: Record<SplitName, string>;
  params: Params;
  spec: ProblemSpec;
  seed: number;
  timeoutMinutes?: number;
  /** With `preprocess: encoded`: the encoded splits and the feature map. */
  encoded?: EncodedSplits;
}

export interface CommandResult {
  model: Uint8Array;
  modelPath: string;
  /** Numbers the command wrote to metrics.json, for the record (the search uses its own). */
  reported: Record<string, number>;
  /** The last lines of its output, for error messages about the model. */
  tail: string;
  /** CUDA_VISIBLE_DEVICES as the command got it; undefined when unset (every GPU). */
  visibleDevices: string | undefined;
  /** Its GPUs' peak memory and utilisation, polled with nvidia-smi; undefined on a machine without GPUs. */
  gpu: GpuUsage | undefined;
}

/** MODELGATE_PARAM_<NAME>: upper-case names, the value as text (JSON for non-strings). */
function paramEnv(params: Params): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => [
      `MODELGATE_PARAM_${name.toUpperCase()}`,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
}

/** The runner's GPUs: inherited anyway; named so the contract is visible. */
const GPU_VARIABLES = ['CUDA_VISIBLE_DEVICES', 'NVIDIA_VISIBLE_DEVICES'] as const;

function gpuEnv(): Record<string, string> {
  return Object.fromEntries(
    GPU_VARIABLES.flatMap((name) => {
      const value = process.env[name];
      return value === undefined ? [] : [[name, value]];
    }),
  );
}

/** MODELGATE_ENCODED_*: the encoded matrices, their column names and the feature map. */
function encodedEnv(encoded: EncodedSplits | undefined): Record<string, string> {
  if (!encoded) return {};
  return {
    MODELGATE_ENCODED_TRAIN: resolve(encoded.parquet.train),
    MODELGATE_ENCODED_VALIDATION: resolve(encoded.parquet.validation),
    MODELGATE_ENCODED_TEST: resolve(encoded.parquet.test),
    MODELGATE_ENCODED_TRAIN_CSV: resolve(encoded.csv.train),
    MODELGATE_ENCODED_VALIDATION_CSV: resolve(encoded.csv.validation),
    MODELGATE_ENCODED_TEST_CSV: resolve(encoded.csv.test),
    MODELGATE_ENCODED_FEATURES: JSON.stringify(encoded.columns),
    MODELGATE_FEATURE_MAP: resolve(encoded.featureMap),
  };
}

/**
 * The command's environment: the contract BYO.md documents. MODELGATE_SPEC
 * is the whole spec (features with kinds and categories, classes); the names
 * alone are in MODELGATE_FEATURES and MODELGATE_CLASSES.
 */
function commandEnv(trial: CommandTrial, paramsFile: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...gpuEnv(),
    MODELGATE_TRAIN: resolve(trial.splits.train),
    MODELGATE_VALIDATION: resolve(trial.splits.validation),
    MODELGATE_TEST: resolve(trial.splits.test),
    MODELGATE_TRAIN_CSV: resolve(trial.csv.train),
    MODELGATE_VALIDATION_CSV: resolve(trial.csv.validation),
    MODELGATE_TEST_CSV: resolve(trial.csv.test),
    MODELGATE_OUTPUT_DIR: resolve(trial.outDir),
    MODELGATE_PARAMS_FILE: paramsFile,
    MODELGATE_PARAMS_JSON: JSON.stringify(trial.params),
    MODELGATE_SPEC: JSON.stringify(trial.spec),
    MODELGATE_TASK: trial.spec.task,
    MODELGATE_TARGET: trial.spec.target,
    MODELGATE_FEATURES: JSON.stringify(trial.spec.features.map((f) => f.name)),
    ...(trial.spec.classes ? { MODELGATE_CLASSES: JSON.stringify(trial.spec.classes) } : {}),
    MODELGATE_SEED: String(trial.seed),
    ...encodedEnv(trial.encoded),
    ...paramEnv(trial.params),
  };
}

function failure(trial: CommandTrial, what: string, tail: string): UserError {
  const output = tail.trim() ? `\nLast lines of its output:\n${tail}` : ' It printed nothing.';
  return new UserError(`command '${trial.command}' ${what}.${output}`);
}

/** Runs the command in its own process group, so a timeout stops everything it started. */
function runProcess(trial: CommandTrial, env: NodeJS.ProcessEnv, logFile: string): Promise<OutputTail> {
  const tail = new OutputTail();
  const log = createWriteStream(logFile);
  const timeoutMs = (trial.timeoutMinutes ?? DEFAULT_COMMAND_TIMEOUT_MINUTES) * 60_000;
  return new Promise((done, fail) => {
    const child = spawn(trial.command, {
      shell: true,
      cwd: trial.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const collect = (chunk: Buffer) => {
      tail.push(chunk);
      log.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      log.end();
      fail(failure(trial, `could not start: ${errorMessage(err)}`, tail.last()));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      log.end(() => {
        if (timedOut) {
          const minutes = trial.timeoutMinutes ?? DEFAULT_COMMAND_TIMEOUT_MINUTES;
          fail(failure(trial, `ran longer than its timeout (${minutes} min) and was stopped`, tail.last()));
        } else if (code !== 0) {
          fail(
            failure(trial, `failed (${signal ? `killed by ${signal}` : `exit code ${code}`})`, tail.last()),
          );
        } else done(tail);
      });
    });
  });
}

function numbersOf(value: unknown): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]),
    ),
  );
}

/**
 * Runs a bring-your-own trainer: writes params.json, runs the command with
 * the split paths and parameters in its environment, and returns the
 * model.onnx it wrote. Failure, timeout or no model is a UserError carrying
 * the last lines of the command's output.
 */
export async function runCommandTrial(trial: CommandTrial): Promise<CommandResult> {
  await mkdir(trial.outDir, { recursive: true });
  const modelPath = join(trial.outDir, 'model.onnx');
  await rm(modelPath, { force: true });
  await rm(join(trial.outDir, 'metrics.json'), { force: true });
  const paramsFile = resolve(trial.outDir, 'params.json');
  await writeFile(paramsFile, `${JSON.stringify(trial.params, null, 2)}\n`);
  const env = commandEnv(trial, paramsFile);
  const watch = (await machineGpus()) ? watchGpus(env.CUDA_VISIBLE_DEVICES) : undefined;
  const tail = await runProcess(trial, env, join(trial.outDir, 'output.log')).finally(() => watch?.stop());
  const gpu = await watch?.stop();
  const model = await readFile(modelPath).catch(() => {
    throw failure(
      trial,
      `finished but wrote no model.onnx into $MODELGATE_OUTPUT_DIR (${trial.outDir})`,
      tail.last(),
    );
  });
  const metricsText = await readFile(join(trial.outDir, 'metrics.json'), 'utf8').catch(() => undefined);
  let reported: Record<string, number> = {};
  if (metricsText !== undefined) {
    try {
      reported = numbersOf(JSON.parse(metricsText));
    } catch {
      throw failure(trial, 'wrote a metrics.json that is not valid JSON', tail.last());
    }
  }
  return {
    model: new Uint8Array(model),
    modelPath,
    reported,
    tail: tail.last(),
    visibleDevices: env.CUDA_VISIBLE_DEVICES,
    gpu,
  };
}
