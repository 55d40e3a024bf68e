import type { BinMapper, BinnedMatrix } from './binning.js';
import { HALVED_ROWS, HistogramBuilder, HistogramPool, SLOT, subtractHistogram } from './histogram.js';
import { findBestSplit, type Split, type SplitRules, type Sums } from './split.js';
import { type Tree, TreeBuilder } from './tree.js';

export interface GrowSettings {
  rules: SplitRules;
  maxLeaves: number;
  /** 0: no limit. */
  maxDepth: number;
  learningRate: number;
  constantHessian: boolean;
}

/** Buffers reused by every tree of one training run. */
export class GrowContext {
  readonly rows: Uint32Array;
  readonly scratch: Uint32Array;
  readonly histograms: HistogramBuilder;
  readonly pool: HistogramPool;

  constructor(
    readonly mapper: BinMapper,
    readonly binned: BinnedMatrix,
    readonly settings: GrowSettings,
    shared = false,
  ) {
    const n = binned.rows;
    const indices = () =>
      shared ? new Uint32Array(new SharedArrayBuffer(n * Uint32Array.BYTES_PER_ELEMENT)) : new Uint32Array(n);
    this.rows = indices();
    this.scratch = indices();
    this.histograms = new HistogramBuilder(mapper, binned, settings.constantHessian);
    this.pool = new HistogramPool(mapper.totalBins * SLOT);
  }
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  sums: Sums;
  histogram: Float64Array | undefined;
  split: Split | undefined;
}

function splittable(ctx: GrowContext, leaf: Leaf): boolean {
  const { maxDepth, rules } = ctx.settings;
  return (maxDepth === 0 || leaf.depth < maxDepth) && leaf.sums.count >= 2 * rules.minSamplesLeaf;
}

/** Lefts of rows[start..end) stay in place (in order), rights go to scratch[start..]; returns the left count. */
function partitionRange(ctx: GrowContext, start: number, end: number, split: Split): number {
  const { rows, scratch } = ctx;
  const column = ctx.binned.columns[split.feature] as Uint8Array;
  const goesLeft = split.goesLeft;
  let l = start;
  let r = start;
  for (let j = start; j < end; j++) {
    const row = rows[j] as number;
    if (goesLeft[column[row] as number] === 1) rows[l++] = row;
    else scratch[r++] = row;
  }
  return l - start;
}

/**
 * Stable partition of the leaf's rows by the split; returns where the right
 * part starts. A large leaf is partitioned in two halves, the second on the
 * helper thread, then reassembled: lefts of both halves, then rights.
 */
function partition(ctx: GrowContext, leaf: Leaf, split: Split): number {
  const { rows, scratch } = ctx;
  const { start, end } = leaf;
  const helper = ctx.histograms.helper;
  if (!helper || end - start < HALVED_ROWS) {
    const lefts = partitionRange(ctx, start, end, split);
    rows.set(scratch.subarray(start, end - lefts), start + lefts);
    return start + lefts;
  }
  const mid = start + ((end - start) >>> 1);
  helper.goesLeft.set(split.goesLeft);
  helper.startPartition(mid, end, split.feature);
  const firstLefts = partitionRange(ctx, start, mid, split);
  const secondLefts = helper.finish();
  const firstRights = mid - start - firstLefts;
  const secondRights = end - mid - secondLefts;
  rows.copyWithin(start + firstLefts, mid, mid + secondLefts);
  const rightStart = start + firstLefts + secondLefts;
  rows.set(scratch.subarray(start, start + firstRights), rightStart);
  rows.set(scratch.subarray(mid, mid + secondRights), rightStart + firstRights);
  return rightStart;
}

function histogramOf(ctx: GrowContext, leaf: Leaf, gh: Float64Array, root: boolean): Float64Array {
  const histogram = ctx.pool.take();
  ctx.histograms.build(histogram, ctx.rows, leaf.start, leaf.end, root, gh);
  return histogram;
}

function evaluate(ctx: GrowContext, leaf: Leaf): void {
  if (leaf.histogram) leaf.split = findBestSplit(ctx.mapper, leaf.histogram, leaf.sums, ctx.settings.rules);
}

/** Gives both children a histogram when they may split: build the smaller one, subtract for the other. */
function childHistograms(
  ctx: GrowContext,
  parent: Float64Array,
  small: Leaf,
  large: Leaf,
  gh: Float64Array,
): void {
  const smallSplits = splittable(ctx, small);
  const largeSplits = splittable(ctx, large);
  if (!smallSplits && !largeSplits) {
    ctx.pool.give(parent);
    return;
  }
  const built = histogramOf(ctx, small, gh, false);
  if (largeSplits) {
    subtractHistogram(parent, built);
    large.histogram = parent;
  } else ctx.pool.give(parent);
  if (smallSplits) small.histogram = built;
  else ctx.pool.give(built);
}

function bestLeaf(leaves: readonly Leaf[]): Leaf | undefined {
  let best: Leaf | undefined;
  for (const leaf of leaves) {
    if (leaf.split && (!best || leaf.split.gain > (best.split as Split).gain)) best = leaf;
  }
  return best;
}

function sumsOf(gh: Float64Array, n: number): Sums {
  let g = 0;
  let h = 0;
  for (let i = 0; i < 2 * n; i += 2) {
    g += gh[i] as number;
    h += gh[i + 1] as number;
  }
  return { g, h, count: n };
}

/**
 * Grows one tree leaf-wise (best gain first) on one output's gradient/hessian pairs,
 * and adds its leaf values to `raw[offset + row]` for every training row.
 */
export function growTree(ctx: GrowContext, gh: Float64Array, raw: Float64Array, offset: number): Tree {
  const n = ctx.binned.rows;
  const { maxLeaves, learningRate, rules } = ctx.settings;
  for (let i = 0; i < n; i++) ctx.rows[i] = i;
  const builder = new TreeBuilder();
  const root: Leaf = {
    node: 0,
    start: 0,
    end: n,
    depth: 0,
    sums: sumsOf(gh, n),
    histogram: undefined,
    split: undefined,
  };
  const leaves: Leaf[] = [root];
  if (maxLeaves > 1 && splittable(ctx, root)) {
    root.histogram = histogramOf(ctx, root, gh, true);
    evaluate(ctx, root);
  }
  for (let target = bestLeaf(leaves); target && leaves.length < maxLeaves; target = bestLeaf(leaves)) {
    const split = target.split as Split;
    const parentHistogram = target.histogram as Float64Array;
    const mid = partition(ctx, target, split);
    const [leftNode, rightNode] = builder.split(target.node, split);
    const depth = target.depth + 1;
    const right: Sums = {
      g: target.sums.g - split.left.g,
      h: target.sums.h - split.left.h,
      count: target.sums.count - split.left.count,
    };
    const l: Leaf = {
      node: leftNode,
      start: target.start,
      end: mid,
      depth,
      sums: split.left,
      histogram: undefined,
      split: undefined,
    };
    const r: Leaf = {
      node: rightNode,
      start: mid,
      end: target.end,
      depth,
      sums: right,
      histogram: undefined,
      split: undefined,
    };
    leaves.splice(leaves.indexOf(target), 1, l, r);
    if (leaves.length < maxLeaves) {
      const leftSmaller = l.end - l.start <= r.end - r.start;
      childHistograms(ctx, parentHistogram, leftSmaller ? l : r, leftSmaller ? r : l, gh);
      evaluate(ctx, l);
      evaluate(ctx, r);
    } else ctx.pool.give(parentHistogram);
  }
  for (const leaf of leaves) {
    if (leaf.histogram) ctx.pool.give(leaf.histogram);
    const denominator = leaf.sums.h + rules.l2;
    const value = denominator > 0 ? (-learningRate * leaf.sums.g) / denominator : 0;
    builder.setValue(leaf.node, value);
    const { rows } = ctx;
    for (let j = leaf.start; j < leaf.end; j++) {
      const at = offset + (rows[j] as number);
      raw[at] = (raw[at] as number) + value;
    }
  }
  return builder.finish();
}
