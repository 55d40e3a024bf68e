import type { BinnedMatrix } from './binning.js';

/**
 * One regression tree over bins. Node 0 is the root; a leaf has feature -1.
 * An internal node sends a row left when `goesLeft[lookup[node] + bin]` is 1,
 * where bin is the row's bin of `feature` (the missing bin included), so
 * training, validation scoring and prediction route rows identically.
 */
export interface Tree {
  readonly feature: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Leaf values (learning rate applied); 0 for internal nodes. */
  readonly value: Float64Array;
  /** Numeric split: the bin whose upper bound is the threshold; -1 for categorical and leaves. */
  readonly thresholdBin: Int32Array;
  /** Categorical split: the bins that go left, missing excluded. */
  readonly categories: readonly Int32Array[];
  readonly missingLeft: Uint8Array;
  readonly lookup: Int32Array;
  readonly goesLeft: Uint8Array;
}

export interface NodeSplit {
  feature: number;
  thresholdBin: number;
  categories: Int32Array;
  missingLeft: boolean;
  goesLeft: Uint8Array;
}

/** Collects nodes while a tree grows, then packs them into typed arrays. */
export class TreeBuilder {
  private readonly feature: number[] = [-1];
  private readonly left: number[] = [-1];
  private readonly right: number[] = [-1];
  private readonly value: number[] = [0];
  private readonly splits: (NodeSplit | undefined)[] = [undefined];

  /** Turns leaf `node` into a split; returns the new [left, right] leaves. */
  split(node: number, split: NodeSplit): [number, number] {
    const l = this.addLeaf();
    const r = this.addLeaf();
    this.feature[node] = split.feature;
    this.left[node] = l;
    this.right[node] = r;
    this.splits[node] = split;
    return [l, r];
  }

  setValue(node: number, value: number): void {
    this.value[node] = value;
  }

  private addLeaf(): number {
    this.feature.push(-1);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(0);
    this.splits.push(undefined);
    return this.feature.length - 1;
  }

  finish(): Tree {
    const n = this.feature.length;
    const lookup = new Int32Array(n).fill(-1);
    let size = 0;
    for (const s of this.splits) size += s ? s.goesLeft.length : 0;
    const goesLeft = new Uint8Array(size);
    let at = 0;
    const empty = new Int32Array(0);
    this.splits.forEach((s, node) => {
      if (!s) return;
      lookup[node] = at;
      goesLeft.set(s.goesLeft, at);
      at += s.goesLeft.length;
    });
    return {
      feature: Int32Array.from(this.feature),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
      thresholdBin: Int32Array.from(this.splits, (s) => (s ? s.thresholdBin : -1)),
      categories: this.splits.map((s) => s?.categories ?? empty),
      missingLeft: Uint8Array.from(this.splits, (s) => (s?.missingLeft ? 1 : 0)),
      lookup,
      goesLeft,
    };
  }
}

/** Adds the tree's value for each row of `binned` to `raw[offset + i]`. */
export function addTreeScores(tree: Tree, binned: BinnedMatrix, raw: Float64Array, offset: number): void {
  const { feature, left, right, value, lookup, goesLeft } = tree;
  const columns = binned.columns;
  for (let i = 0; i < binned.rows; i++) {
    let node = 0;
    let f = feature[0] as number;
    while (f >= 0) {
      const bin = (columns[f] as Uint8Array)[i] as number;
      node =
        goesLeft[(lookup[node] as number) + bin] === 1 ? (left[node] as number) : (right[node] as number);
      f = feature[node] as number;
    }
    raw[offset + i] = (raw[offset + i] as number) + (value[node] as number);
  }
}

export function leafCount(tree: Tree): number {
  let leaves = 0;
  for (let i = 0; i < tree.feature.length; i++) if ((tree.feature[i] as number) < 0) leaves++;
  return leaves;
}
