import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Database,
  fingerprintFiles,
  profileDataset,
  stringifyProfile,
  writeFileAtomic,
} from '@modelgate/core';
import { createSession, type ModelSignature, readSignature, runOnColumns } from '@modelgate/runtime';
import type { Params, ParamValue, ProblemSpec } from '../types.js';
import type { GpuInfo } from './gpu.js';
import { type CodeVersion, configHash, type Lineage, splitLineage, TOOLKIT_VERSION } from './lineage.js';
import { computeMetric } from './metrics.js';
import { renderTrialsMarkdown, type TrialReport, type TrialsFile, trialReports } from './report.js';
import { requireSuccess, type TrainingRun } from './training.js';

export const OUTPUT_FILES = [
  'model.onnx',
  'metadata.json',
  'params.json',
  'trials.json',
  'trials.md',
  'lineage.json',
  'reference-profile.json',
] as const;

/** The model's description; metadata.json holds it in the shape `modelgate register` reads. */
export interface ModelSummary {
  model: string;
  task: ProblemSpec['task'];
  target: string;
  trainer: { algorithm: string } | { command: string };
  trial: number;
  /** Features in input order (with training categories) and class order: the model's contract. */
  spec: ProblemSpec;
  classes?: string[];
  signature: ModelSignature;
  onnx: { sha256: string; bytes: number };
  metric: { name: string; value: number; split: 'validation'; lowerIsBetter: boolean };
  /** Validation metrics of the trial, computed from the ONNX model with onnxruntime. */
  metrics: Record<string, number>;
  params: Params;
  info: Record<string, ParamValue>;
}

/**
 * metadata.json beside model.onnx: the keys `modelgate register` gives a place
 * of their own (validation metrics nested, so holdout metrics from
 * evaluation.json stay apart); everything else lands in its `training` record.
 */
function registryMetadata(model: ModelSummary, lineage: Lineage) {
  const { trainer, metrics, ...rest } = model;
  return {
    ...rest,
    trainer: 'algorithm' in trainer ? trainer.algorithm : trainer.command,
    metrics: { validation: metrics },
    data: lineage.data,
    code: lineage.code,
    configHash: lineage.config.sha256,
  };
}

export interface OutputContext {
  code?: CodeVersion;
  gpu?: GpuInfo[];
}

export interface WrittenOutputs {
  trials: TrialsFile;
  /** trials.md, also the job summary. */
  markdown: string;
  model: ModelSummary;
  lineage: Lineage;
}

export function trialsFile(run: TrainingRun): TrialsFile {
  const { problem } = run;
  return {
    version: 1,
    model: run.config.model,
    task: run.config.task,
    metric: { name: run.metric, lowerIsBetter: run.lowerIsBetter, split: 'validation' },
    search: run.settings,
    candidates: run.space.map((c) => ({
      label: c.label,
      ...(c.algorithm ? { algorithm: c.algorithm } : {}),
      ...(c.command ? { command: c.command } : {}),
    })),
    data: {
      rows: {
        train: problem.sets.train.rows,
        validation: problem.sets.validation.rows,
        test: problem.sets.test.rows,
      },
      droppedRows: problem.droppedRows,
      warnings: problem.warnings,
    },
    best: run.result.best ?? null,
    trials: trialReports(run.result, run.space, run.lowerIsBetter),
  };
}

/** The chosen parameters with the trainer's defaults filled in: enough to train the model again. */
function chosenParams(run: TrainingRun, best: TrialReport): Params {
  if (!best.algorithm) return best.params;
  const trainer = run.trainers(best.algorithm as Parameters<TrainingRun['trainers']>[0]);
  return { ...trainer.defaults, ...best.params };
}

/**
 * Scores the best model again through onnxruntime: the file shipped must give
 * the metric the search saw. A gap means the export and the trainer disagree,
 * which is a bug, not a user error.
 */
async function checkModel(run: TrainingRun, bytes: Uint8Array, best: TrialReport) {
  const session = await createSession(bytes, { label: 'model.onnx' });
  try {
    const { spec, sets } = run.problem;
    const predictions = await runOnColumns(session, spec, sets.validation);
    const metrics = Object.fromEntries(
      Object.keys(best.metrics).map((name) => [
        name,
        computeMetric(name as typeof run.metric, spec, sets.validation.target, predictions),
      ]),
    );
    const expected = best.value ?? Number.NaN;
    const got = metrics[run.metric] ?? Number.NaN;
    if (!(Math.abs(got - expected) <= 1e-4 * Math.max(1, Math.abs(expected)))) {
      throw new Error(
        `trial ${best.id}: the ONNX model gives ${run.metric} ${got} on the validation split, the trainer ${expected}`,
      );
    }
    return { signature: readSignature(session), metrics };
  } finally {
    await session.release();
  }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Writes the outputs of a finished search into `dir` (a staging directory of
 * withStagedOutputs): the best trial's model as trained (not re-fitted), the
 * trials, the chosen parameters, lineage, and the training split's profile,
 * the drift baseline.
 */
export async function writeTrainingOutputs(
  db: Database,
  dir: string,
  run: TrainingRun,
  context: OutputContext = {},
): Promise<WrittenOutputs> {
  const bestId = requireSuccess(run.result);
  const trials = trialsFile(run);
  const best = trials.trials.find((t) => t.id === bestId) as TrialReport;
  const bytes = new Uint8Array(await readFile(run.modelPath(bestId)));
  const { signature, metrics } = await checkModel(run, bytes, best);
  const { spec, splits, datasets } = run.problem;
  const trainer = best.algorithm ? { algorithm: best.algorithm } : { command: best.command ?? '' };
  const params = chosenParams(run, best);
  const model: ModelSummary = {
    model: run.config.model,
    task: spec.task,
    target: spec.target,
    trainer,
    trial: bestId,
    spec,
    ...(spec.classes ? { classes: spec.classes } : {}),
    signature,
    onnx: { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length },
    metric: {
      name: run.metric,
      value: best.value ?? Number.NaN,
      split: 'validation',
      lowerIsBetter: run.lowerIsBetter,
    },
    metrics,
    params,
    info: best.info,
  };
  const lineage: Lineage = {
    toolkit: { name: 'modelgate', version: TOOLKIT_VERSION },
    model: run.config.model,
    trainer,
    trial: bestId,
    params,
    seed: run.settings.seed,
    config: { file: run.configFile, sha256: configHash(run.config) },
    code: context.code ?? null,
    data: splitLineage(splits.manifest),
    ...(context.gpu ? { gpu: context.gpu } : {}),
  };
  const trainFile = splits.files.train;
  const source = await fingerprintFiles([trainFile], {
    rows: datasets.train.rowCount,
    columns: datasets.train.columns.length,
  });
  // The profile names the file by its name in the split directory, not a scratch path.
  const profile = await profileDataset(db, datasets.train, {
    source: {
      ...source,
      files: source.files.map((f) => ({ ...f, path: splits.manifest.splits.train.file })),
    },
  });
  await writeFileAtomic(join(dir, 'model.onnx'), bytes);
  await writeFileAtomic(join(dir, 'metadata.json'), json(registryMetadata(model, lineage)));
  await writeFileAtomic(
    join(dir, 'params.json'),
    json({ trial: bestId, ...trainer, params, seed: run.settings.seed }),
  );
  await writeFileAtomic(join(dir, 'trials.json'), json(trials));
  const markdown = renderTrialsMarkdown(trials);
  await writeFileAtomic(join(dir, 'trials.md'), markdown);
  await writeFileAtomic(join(dir, 'lineage.json'), json(lineage));
  await writeFileAtomic(join(dir, 'reference-profile.json'), stringifyProfile(profile));
  return { trials, markdown, model, lineage };
}
