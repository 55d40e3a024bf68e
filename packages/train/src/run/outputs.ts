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
import {
  createSession,
  type ModelSignature,
  readSignature,
  runOnColumns,
  specMetadataProps,
  stampMetadata,
} from '@modelgate/runtime';
import { TRAINER_METADATA_KEY } from '../onnx/metadata.js';
import type { Params, ParamValue, ProblemSpec } from '../types.js';
import { keepTrialArtifacts, TRAINER_DIR, TRIALS_DIR } from './artifacts.js';
import type { GpuInfo } from './gpu.js';
import {
  type CodeVersion,
  configHash,
  type Lineage,
  splitLineage,
  TOOLKIT_VERSION,
  type TrainerRecord,
} from './lineage.js';
import { computeMetric } from './metrics.js';
import { renderTrialsMarkdown, type TrialReport, type TrialsFile, trialReports } from './report.js';
import { hasCommandCandidate } from './split-csv.js';
import { withStagedDirectories } from './staged.js';
import { allFailedError, requireSuccess, type TrainingRun } from './training.js';

export const OUTPUT_FILES = [
  'model.onnx',
  'metadata.json',
  'params.json',
  'trials.json',
  'trials.md',
  'lineage.json',
  'reference-profile.json',
] as const;
// A run with command candidates also keeps trials/<id>/ and trainer/ (see artifacts.ts).

/** The model's description; metadata.json holds it in the shape `modelgate register` reads. */
export interface ModelSummary {
  model: string;
  task: ProblemSpec['task'];
  target: string;
  trainer: TrainerRecord;
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
    trainer: 'algorithm' in trainer ? trainer.algorithm : trainer.name,
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
  /** E.g. trial files the artifacts cap left out. */
  warnings: string[];
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
      ...(c.preprocess ? { preprocess: c.preprocess } : {}),
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
 * A command's model as shipped: the spec stamped into its metadata_props, so
 * the file describes itself wherever it goes (everything else kept as written).
 */
function stampedModel(bytes: Uint8Array, spec: ProblemSpec, best: TrialReport): Uint8Array {
  if (best.command === undefined) return bytes;
  return stampMetadata(
    bytes,
    specMetadataProps(spec, { [TRAINER_METADATA_KEY]: best.candidate }),
    'model.onnx',
  );
}

/**
 * Keeps the command trials' output directories under `dir` (trials/<id>/, the
 * best's also as trainer/) and records them in `trials`; returns the warning
 * when the cap left files out.
 */
async function keepArtifacts(dir: string, run: TrainingRun, trials: TrialsFile): Promise<string[]> {
  if (!hasCommandCandidate(run.space)) return [];
  const kept = await keepTrialArtifacts(
    dir,
    trials.trials.map((t) => ({ id: t.id, dir: run.trialOutput(t.id) })),
    run.result.best,
    run.config.train.artifacts,
  );
  trials.artifacts = kept.record;
  for (const t of trials.trials) {
    const output = kept.dirs.get(t.id);
    if (output !== undefined) t.output = output;
  }
  return kept.warning ? [kept.warning] : [];
}

/** trials.json and trials.md, with the kept trial directories: what is written even when every trial failed. */
async function writeTrialRecords(
  dir: string,
  run: TrainingRun,
  trials: TrialsFile = trialsFile(run),
): Promise<{ markdown: string; warnings: string[] }> {
  const warnings = await keepArtifacts(dir, run, trials);
  const markdown = renderTrialsMarkdown(trials);
  await writeFileAtomic(join(dir, 'trials.json'), json(trials));
  await writeFileAtomic(join(dir, 'trials.md'), markdown);
  return { markdown, warnings };
}

/**
 * Writes the outputs of a finished search into `dir` (a staging directory of
 * withStagedOutputs): the best trial's model as trained (not re-fitted; a
 * command's with the spec stamped in), the trials, the chosen parameters,
 * lineage, the training split's profile (the drift baseline) and the command
 * trials' kept output directories.
 */
export async function writeTrainingOutputs(
  db: Database,
  dir: string,
  run: TrainingRun,
  context: OutputContext = {},
): Promise<WrittenOutputs> {
  const bestId = requireSuccess(run.result, run.space);
  const { spec, splits, datasets } = run.problem;
  const trials = trialsFile(run);
  const best = trials.trials.find((t) => t.id === bestId) as TrialReport;
  const bytes = stampedModel(new Uint8Array(await readFile(run.modelPath(bestId))), spec, best);
  const { signature, metrics } = await checkModel(run, bytes, best);
  const trainer: TrainerRecord = best.algorithm
    ? { algorithm: best.algorithm }
    : { command: best.command ?? '', name: best.candidate };
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
  const exactValues = run.config.monitor?.exact_values;
  const profile = await profileDataset(db, datasets.train, {
    ...(exactValues !== undefined ? { exactValues } : {}),
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
  const { markdown, warnings } = await writeTrialRecords(dir, run, trials);
  await writeFileAtomic(join(dir, 'lineage.json'), json(lineage));
  await writeFileAtomic(join(dir, 'reference-profile.json'), stringifyProfile(profile));
  return { trials, markdown, model, lineage, warnings };
}

/**
 * Writes a finished search into `out`, all or nothing: the outputs when a
 * trial succeeded; when every trial failed, only trials.json, trials.md and
 * the kept trial directories (no model; a previous run's outputs there are
 * removed), then the UserError listing every trial's reason. A previous run's
 * trials/ and trainer/ in `out` are replaced. `stale` names other files in
 * `out` that describe the model this run replaces: they go when the new
 * outputs move in, not before (a failed write keeps the old model and them).
 */
export async function writeTrainingResult(
  db: Database,
  out: string,
  run: TrainingRun,
  context: OutputContext = {},
  stale: readonly string[] = [],
): Promise<WrittenOutputs> {
  const failed = run.result.best === undefined;
  // A previous run's model must not sit beside records saying no trial succeeded (register would take it).
  const replaced = [
    ...(failed ? [TRIALS_DIR, TRAINER_DIR, ...OUTPUT_FILES] : [TRIALS_DIR, TRAINER_DIR]),
    ...stale,
  ];
  const written = await withStagedDirectories(out, replaced, async (dir) => {
    if (!failed) return writeTrainingOutputs(db, dir, run, context);
    await writeTrialRecords(dir, run);
    return undefined;
  });
  if (written) return written;
  const kept = hasCommandCandidate(run.space) && (run.config.train.artifacts?.keep ?? true);
  const records = `the trials are in ${join(out, 'trials.json')} and trials.md${kept ? `, each command trial's output under ${join(out, TRIALS_DIR)}/<id>/` : ''}`;
  throw allFailedError(run.result, run.space, records);
}
