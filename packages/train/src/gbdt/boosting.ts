import { usableCores } from '@modelgate/core';
import type { FitOptions } from '../types.js';
import type { BinMapper, BinnedMatrix } from './binning.js';
import { GrowContext, type GrowSettings, growTree } from './grow-tree.js';
import { HelperThread } from './helper-thread.js';
import { HALVED_ROWS, SLOT } from './histogram.js';
import type { Loss } from './loss.js';
import type { GbdtParams } from './params.js';
import { addTreeScores, type Tree } from './tree.js';

/** A split of rows as boosting sees it: bins and the target (class index or value). */
export interface BinnedSplit {
  binned: BinnedMatrix;
  target: ArrayLike<number>;
}

export interface Ensemble {
  /** The prior per output, added before the trees. */
  baseline: Float64Array;
  /** Round-major: tree r * outputs + k is round r's tree for output k. */
  trees: Tree[];
  outputs: number;
}

export interface BoostResult extends Ensemble {
  /** Rounds kept (the best validation round when early stopping ran). */
  rounds: number;
  /** Rounds trained before stopping. */
  trainedRounds: number;
  stoppedEarly: boolean;
  /** Mean validation loss of the kept model; undefined without a validation split. */
  validationLoss: number | undefined;
}

/** An improvement smaller than this does not reset the early-stopping patience (scikit-learn's tol). */
const TOLERANCE = 1e-7;

function initialScores(baseline: Float64Array, rows: number): Float64Array {
  const raw = new Float64Array(baseline.length * rows);
  baseline.forEach((b, k) => {
    raw.fill(b, k * rows, (k + 1) * rows);
  });
  return raw;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function sharedCopy<T extends Uint8Array | Uint16Array>(array: T): T {
  const Type = array.constructor as new (buffer: SharedArrayBuffer) => T;
  const out = new Type(new SharedArrayBuffer(array.byteLength));
  out.set(array);
  return out;
}

/**
 * A helper thread pays off once nodes are large enough to be built in halves.
 * MODELGATE_GBDT_THREADS=1 turns it off; the model is the same either way.
 */
function useHelperThread(rows: number): boolean {
  return rows >= 2 * HALVED_ROWS && usableCores() > 1 && process.env.MODELGATE_GBDT_THREADS !== '1';
}

function growSettings(params: GbdtParams, loss: Loss): GrowSettings {
  return {
    rules: {
      l2: params.l2,
      minSamplesLeaf: params.min_samples_leaf,
      minGainToSplit: params.min_gain_to_split,
      catSmooth: params.cat_smooth,
    },
    maxLeaves: params.max_leaves,
    maxDepth: params.max_depth,
    learningRate: params.learning_rate,
    constantHessian: loss.constantHessian,
  };
}

/** Gradient boosting with early stopping on the validation loss; keeps the best round. */
export async function boost(
  mapper: BinMapper,
  train: BinnedSplit,
  validation: BinnedSplit | undefined,
  loss: Loss,
  params: GbdtParams,
  options: FitOptions,
): Promise<BoostResult> {
  const n = train.binned.rows;
  const threaded = useHelperThread(n);
  const size = 2 * loss.outputs * n;
  const gh = threaded ? new Float64Array(new SharedArrayBuffer(size * 8)) : new Float64Array(size);
  const rowMajor = train.binned.rowMajor;
  const binned = threaded && rowMajor ? { ...train.binned, rowMajor: sharedCopy(rowMajor) } : train.binned;
  const ctx = new GrowContext(mapper, binned, growSettings(params, loss), threaded);
  if (threaded && binned.rowMajor) {
    const features = mapper.features.length;
    const memory = { matrix: binned.rowMajor, features, gh, rows: ctx.rows, scratch: ctx.scratch };
    const widest = Math.max(...mapper.features.map((f) => f.bins + 1));
    ctx.histograms.helper = new HelperThread(ctx.histograms.source, memory, mapper.totalBins * SLOT, widest);
  }
  try {
    return await boostRounds(ctx, gh, train.target, validation, loss, params, options);
  } finally {
    await ctx.histograms.helper?.close();
  }
}

async function boostRounds(
  ctx: GrowContext,
  gh: Float64Array,
  target: ArrayLike<number>,
  validation: BinnedSplit | undefined,
  loss: Loss,
  params: GbdtParams,
  options: FitOptions,
): Promise<BoostResult> {
  const n = ctx.binned.rows;
  const outputs = loss.outputs;
  const baseline = loss.baseline(target, n);
  const raw = initialScores(baseline, n);
  const nv = validation?.binned.rows ?? 0;
  const validationRaw = initialScores(baseline, nv);
  const budget = options.budget === undefined ? params.rounds : Math.max(1, Math.floor(options.budget));
  const maxRounds = Math.min(params.rounds, budget);
  const patience = nv > 0 ? params.early_stopping_rounds : 0;
  const trees: Tree[] = [];
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestRounds = 0;
  let round = 0;
  let stoppedEarly = false;
  while (round < maxRounds) {
    options.signal?.throwIfAborted();
    loss.gradients(raw, target, n, gh);
    for (let k = 0; k < outputs; k++) {
      const from = k * n;
      const tree = growTree(ctx, gh.subarray(2 * from, 2 * (from + n)), raw, from);
      trees.push(tree);
      if (validation && nv > 0) addTreeScores(tree, validation.binned, validationRaw, k * nv);
    }
    round++;
    if (patience > 0 && validation) {
      const current = loss.loss(validationRaw, validation.target, nv);
      if (current < bestLoss - TOLERANCE) {
        bestLoss = current;
        bestRounds = round;
      } else if (round - bestRounds >= patience) {
        stoppedEarly = true;
        break;
      }
    }
    options.onProgress?.(round / maxRounds);
    await yieldToEventLoop();
  }
  const rounds = patience > 0 ? bestRounds : round;
  trees.length = rounds * outputs;
  let validationLoss: number | undefined;
  if (validation && nv > 0) {
    validationLoss = patience > 0 ? bestLoss : loss.loss(validationRaw, validation.target, nv);
  }
  options.onProgress?.(1);
  return { baseline, trees, outputs, rounds, trainedRounds: round, stoppedEarly, validationLoss };
}
