import { UserError } from '@modelgate/core';
import type { FitOptions, Params, ParamValue, ProblemSpec, Task, Trainer, TrainingSet } from '../types.js';
import { binSet, fitBinMapper } from './binning.js';
import { type BinnedSplit, boost } from './boosting.js';
import { lossFor } from './loss.js';
import { GbdtModel } from './model.js';
import { GBDT_DEFAULTS, parseGbdtParams } from './params.js';
import { leafCount } from './tree.js';

function outputClasses(spec: ProblemSpec): number {
  if (spec.task === 'regression') return 1;
  const classes = spec.classes?.length ?? 0;
  if (spec.task === 'binary' && classes !== 2) {
    throw new UserError(`gbdt: a binary task needs exactly 2 classes in '${spec.target}', got ${classes}.`);
  }
  if (classes < 2)
    throw new UserError(`gbdt: target '${spec.target}' needs at least 2 classes, got ${classes}.`);
  return classes;
}

function checkSet(spec: ProblemSpec, set: TrainingSet, split: string, classes: number): void {
  if (set.features.length !== spec.features.length) {
    throw new Error(
      `gbdt: the ${split} set has ${set.features.length} columns for ${spec.features.length} features`,
    );
  }
  const { target } = set;
  for (let i = 0; i < set.rows; i++) {
    const y = target[i] as number;
    const ok = spec.task === 'regression' ? Number.isFinite(y) : Number.isInteger(y) && y >= 0 && y < classes;
    if (!ok) {
      throw new UserError(
        `gbdt: target '${spec.target}' in the ${split} split has ${spec.task === 'regression' ? 'a missing, NaN or infinite value' : `class index ${y}, outside 0..${classes - 1}`} at row ${i + 1}.`,
      );
    }
  }
}

function meanLeaves(model: GbdtModel): number {
  const { trees } = model.ensemble;
  if (trees.length === 0) return 0;
  let total = 0;
  for (const tree of trees) total += leafCount(tree);
  return Math.round((total / trees.length) * 100) / 100;
}

const TASKS: readonly Task[] = ['binary', 'multiclass', 'regression'];

/**
 * Histogram gradient-boosted trees in the style of LightGBM and scikit-learn's
 * HistGradientBoosting (parameters and their ranges: params.ts):
 * - bins learned on the training split: up to max_bins quantile bins per
 *   numeric feature (float32 bounds, so ONNX compares exactly as we do) and
 *   one bin per category up to max_cat_bins (the rarest categories share the
 *   last); each feature also has a missing bin (null, NaN, unseen category);
 * - squared error, log loss (sigmoid) or softmax (one tree per class per
 *   round) from the prior (mean, log-odds, class log-frequencies);
 * - leaf-wise growth: the leaf with the best gain splits next, up to
 *   max_leaves and max_depth, each child keeping min_samples_leaf rows; a
 *   numeric split tries missing values on both sides (with none in the node
 *   they follow the larger child); a categorical split orders the node's
 *   categories, missing included, by gradient/hessian and sends a prefix
 *   left (LightGBM); categories with under 10 rows in the node go right;
 * - early stopping on the validation loss, keeping the best round.
 * No randomness is involved, so the seed does not change the model.
 */
export const gbdtTrainer: Trainer = {
  algorithm: 'gbdt',
  tasks: TASKS,
  budget: { name: 'rounds', max: GBDT_DEFAULTS.rounds },
  defaults: { ...GBDT_DEFAULTS },
  async fit(
    spec: ProblemSpec,
    train: TrainingSet,
    validation: TrainingSet | undefined,
    params: Params,
    options: FitOptions,
  ) {
    const settings = parseGbdtParams(params);
    if (!TASKS.includes(spec.task)) throw new UserError(`gbdt: unsupported task '${spec.task}'.`);
    const classes = outputClasses(spec);
    if (train.rows === 0) throw new UserError('gbdt: the training split has no rows.');
    checkSet(spec, train, 'training', classes);
    const held = validation && validation.rows > 0 ? validation : undefined;
    if (held) checkSet(spec, held, 'validation', classes);
    const mapper = fitBinMapper(spec, train, settings.max_bins, settings.max_cat_bins);
    const trainSplit: BinnedSplit = { binned: binSet(mapper, train, true), target: train.target };
    const validationSplit: BinnedSplit | undefined = held
      ? { binned: binSet(mapper, held), target: held.target }
      : undefined;
    const result = await boost(
      mapper,
      trainSplit,
      validationSplit,
      lossFor(spec.task, classes),
      settings,
      options,
    );
    const info: Record<string, ParamValue> = {
      rounds: result.rounds,
      trained_rounds: result.trainedRounds,
      stopped_early: result.stoppedEarly,
      trees: result.trees.length,
    };
    if (result.validationLoss !== undefined) info.validation_loss = result.validationLoss;
    const model = new GbdtModel(spec, mapper, result, info);
    info.mean_leaves = meanLeaves(model);
    return model;
  },
};
