import { join } from 'node:path';
import {
  type Database,
  type DataSpec,
  fingerprintFiles,
  type ModelgateConfig,
  UserError,
} from '@modelgate/core';
import {
  createSession,
  type ExecutionProvider,
  hasSpecFlags,
  type ModelFile,
  modelSpecOf,
  type ResolvedSpec,
  recordedSpec,
  type SpecFlags,
} from '@modelgate/runtime';
import {
  type ProblemSpec,
  prepareProblem,
  readSplitDirectory,
  resolveSplits,
  type SplitSource,
} from '@modelgate/train';
import type { Clock } from '../run/costs.js';
import { measureCosts } from '../run/costs.js';
import { encodeHoldout } from '../run/encode.js';
import { type Holdout, loadHoldout, readHoldoutColumns } from '../run/holdout.js';
import { checkSpec } from '../run/model-spec.js';
import { alignClasses, predictHoldout } from '../run/predict.js';
import { buildEvaluation, type ScoredModel } from './build.js';
import { checkEvaluationRules } from './check.js';
import type { EvaluationDocument } from './document.js';
import { type EvaluationSettings, evaluationSettings } from './settings.js';

export interface EvaluateRequest {
  config: ModelgateConfig;
  challenger: ModelFile;
  /** How the user describes a challenger that records no spec (a bare ONNX file). */
  challengerSpec?: SpecFlags;
  /** The current champion; absent: the gate uses the absolute thresholds alone. */
  champion?: ModelFile;
  /** Why there is no champion, for the report. */
  championNote?: string;
  /** The holdout file. Default: the test split of `splits`, else of the configured data split now. */
  holdout?: DataSpec;
  /** A split directory from `modelgate split`. */
  splits?: string;
  /** The configured data, paths resolved: split when no holdout is given, and the training data of a model without a spec. */
  data?: DataSpec;
  /** Scratch space for splits made now; the caller removes it. */
  workDir: string;
  now?: Clock;
  onProgress?: (fraction: number, detail: string) => void;
  /** Where both models run (default cpu): resolveDevice's answer. */
  provider?: ExecutionProvider;
}

interface HoldoutSource {
  data: DataSpec;
  /** The split directory the holdout is the test split of. */
  splits?: string;
  /** How reports name a holdout split off just now (its file is scratch). */
  label?: string;
}

async function holdoutSource(db: Database, request: EvaluateRequest): Promise<HoldoutSource> {
  if (request.holdout) return { data: request.holdout };
  if (request.splits) {
    const { files } = await readSplitDirectory(request.splits);
    return { data: { path: files.test, format: 'parquet' }, splits: request.splits };
  }
  if (!request.data) {
    throw new UserError(
      '--data: no holdout given and no data in a config. Pass --data <holdout>, --splits <dir> or --config <file>.',
    );
  }
  const out = join(request.workDir, 'splits');
  const { files, manifest } = await resolveSplits(db, request.config, { data: request.data, out });
  const { by, seed } = manifest.policy;
  return {
    data: { path: files.test, format: 'parquet' },
    splits: out,
    label: `the test split of ${request.data.path} (${by} split, seed ${seed})`,
  };
}

/** The spec of a model that carries none comes from the training split, as `modelgate train` made it. */
function trainingSpecs(db: Database, request: EvaluateRequest, source: HoldoutSource) {
  let spec: Promise<ResolvedSpec> | undefined;
  return (label: string): Promise<ResolvedSpec> => {
    const split: SplitSource | undefined = source.splits
      ? { splits: source.splits }
      : request.data
        ? { data: request.data, out: join(request.workDir, 'training-splits') }
        : undefined;
    if (!split) {
      return Promise.reject(
        new UserError(
          `${label}: the model records no spec (no modelgate.* metadata, no metadata.json with a spec beside it), so its features, categories and classes come from the training data; there is none. Pass --config with data, --splits <dir>, or describe the model with --spec <file> (or --features and --classes).`,
        ),
      );
    }
    spec ??= prepareProblem(db, request.config, split).then((problem) => ({
      spec: problem.spec,
      source: 'training-data' as const,
    }));
    return spec;
  };
}

interface RunModelContext {
  db: Database;
  holdout: Holdout;
  config: ModelgateConfig;
  settings: EvaluationSettings;
  trainingSpec: (label: string) => Promise<ResolvedSpec>;
  now?: Clock;
  warnings: string[];
  provider: ExecutionProvider;
}

/** The recorded spec, else the user's flags (challenger only; modelSpecOf prefers the recorded one), else the training data's. */
async function specOf(
  model: ModelFile,
  ctx: RunModelContext,
  flags: SpecFlags | undefined,
): Promise<ResolvedSpec> {
  if (hasSpecFlags(flags)) return modelSpecOf(model, flags);
  return recordedSpec(model) ?? ctx.trainingSpec(model.label);
}

async function runModel(
  model: ModelFile,
  ctx: RunModelContext,
  flags?: SpecFlags,
): Promise<ScoredModel & { problem: ProblemSpec }> {
  const found = await specOf(model, ctx, flags);
  const source = found.source;
  const spec = checkSpec(found.spec, ctx.config, model.label, source);
  const { set, warnings } = await encodeHoldout(ctx.db, ctx.holdout, spec, model.label);
  ctx.warnings.push(...warnings);
  const session = await createSession(model.bytes, { label: model.label, provider: ctx.provider });
  try {
    const predictions = await predictHoldout(session, spec, set);
    const costs = await measureCosts(session, spec, set, model.bytes.length, ctx.settings.costs, ctx.now);
    const { label, path, sha256, registry } = model;
    return {
      file: { label, path, sha256, registry, bytes: model.bytes.length },
      problem: spec,
      specSource: source,
      features: spec.features.map((f) => f.name),
      predictions,
      costs,
    };
  } finally {
    await session.release();
  }
}

/**
 * Runs the challenger (and the champion) on the identical holdout rows
 * through onnxruntime, times them, and builds evaluation.json's document
 * with the gate's verdict. Bad input (a model or holdout that does not fit,
 * a bad gate rule) is a UserError before anything is written.
 */
export async function evaluateModels(db: Database, request: EvaluateRequest): Promise<EvaluationDocument> {
  const { config } = request;
  const settings = evaluationSettings(config.evaluate);
  checkEvaluationRules(config.gate, config.task, settings);
  const progress = request.onProgress ?? (() => {});
  progress(0, 'holdout');
  const source = await holdoutSource(db, request);
  const holdout = await loadHoldout(db, source.data, config.target);
  const warnings: string[] = [];
  if (holdout.droppedRows > 0) {
    warnings.push(
      `${holdout.droppedRows} holdout row${holdout.droppedRows === 1 ? '' : 's'} without a target '${config.target}' left out.`,
    );
  }
  const ctx: RunModelContext = {
    db,
    holdout,
    config,
    settings,
    trainingSpec: trainingSpecs(db, request, source),
    warnings,
    provider: request.provider ?? 'cpu',
    ...(request.now ? { now: request.now } : {}),
  };
  progress(0.1, 'challenger');
  const challenger = await runModel(request.challenger, ctx, request.challengerSpec);
  let champion: ScoredModel | undefined;
  if (request.champion) {
    progress(0.4, 'champion');
    const run = await runModel(request.champion, ctx);
    const classes = challenger.problem.classes ?? [];
    champion = {
      ...run,
      predictions: alignClasses(run.predictions, run.problem.classes ?? [], classes, run.file.label),
    };
  }
  progress(0.7, 'metrics, slices and intervals');
  const sliceNames = settings.slices === 'auto' ? challenger.features : settings.slices;
  const sliceColumns = await readHoldoutColumns(db, holdout, sliceNames, 'evaluate.slices');
  const fingerprint = await fingerprintFiles(holdout.dataset.files, {
    rows: holdout.dataset.rowCount,
    columns: holdout.dataset.columns.length,
  });
  const document = buildEvaluation({
    model: config.model,
    task: config.task,
    target: config.target,
    rules: config.gate,
    settings,
    challenger,
    ...(champion ? { champion } : {}),
    ...(request.championNote ? { championNote: request.championNote } : {}),
    holdout: {
      source: source.label ?? holdout.name,
      files: source.label ? [request.data?.path ?? holdout.name] : holdout.dataset.files,
      rows: holdout.keep.length,
      droppedRows: holdout.droppedRows,
      sha256: fingerprint.sha256,
    },
    sliceColumns,
    warnings,
  });
  progress(1, 'done');
  return { ...document, provider: ctx.provider };
}
