import {
  attr,
  classifierOutputs,
  concatColumns,
  finishModel,
  ML_DOMAIN,
  type OnnxGraph,
  regressionOutput,
  startModelGraph,
} from '../onnx/index.js';
import type { ProblemSpec } from '../types.js';
import type { BinMapper, FeatureBins } from './binning.js';
import type { Ensemble } from './boosting.js';
import type { Tree } from './tree.js';

/** TreeEnsembleRegressor attributes, one entry per ONNX node or leaf weight. */
class EnsembleNodes {
  readonly treeIds: number[] = [];
  readonly nodeIds: number[] = [];
  readonly featureIds: number[] = [];
  readonly modes: string[] = [];
  readonly values: number[] = [];
  readonly trueIds: number[] = [];
  readonly falseIds: number[] = [];
  readonly missingTracksTrue: number[] = [];
  readonly targetTreeIds: number[] = [];
  readonly targetNodeIds: number[] = [];
  readonly targetIds: number[] = [];
  readonly targetWeights: number[] = [];

  add(
    tree: number,
    node: number,
    mode: string,
    feature: number,
    value: number,
    t: number,
    f: number,
    missingTrue: boolean,
  ): void {
    this.treeIds.push(tree);
    this.nodeIds.push(node);
    this.modes.push(mode);
    this.featureIds.push(feature);
    this.values.push(value);
    this.trueIds.push(t);
    this.falseIds.push(f);
    this.missingTracksTrue.push(missingTrue ? 1 : 0);
  }
}

const singleLeaf: Tree = {
  feature: Int32Array.of(-1),
  left: Int32Array.of(-1),
  right: Int32Array.of(-1),
  value: Float64Array.of(0),
  thresholdBin: Int32Array.of(-1),
  categories: [new Int32Array(0)],
  missingLeft: Uint8Array.of(0),
  lookup: Int32Array.of(-1),
  goesLeft: new Uint8Array(0),
};

/** ONNX node ids of each tree node: a categorical split becomes a chain of BRANCH_EQ nodes. */
function onnxIds(tree: Tree): Int32Array {
  const ids = new Int32Array(tree.feature.length);
  let next = 0;
  for (let node = 0; node < tree.feature.length; node++) {
    ids[node] = next;
    const chain = tree.thresholdBin[node] === -1 && (tree.feature[node] as number) >= 0;
    next += chain ? Math.max(1, (tree.categories[node] as Int32Array).length) : 1;
  }
  return ids;
}

/** Numeric splits compare x <= bound; the last bin has no bound (all present values left). */
function thresholdOf(feature: FeatureBins, bin: number): number {
  return bin < feature.upperBounds.length ? (feature.upperBounds[bin] as number) : Number.POSITIVE_INFINITY;
}

function addTree(
  out: EnsembleNodes,
  tree: Tree,
  treeId: number,
  target: number,
  mapper: BinMapper,
  column: Int32Array,
): void {
  const ids = onnxIds(tree);
  for (let node = 0; node < tree.feature.length; node++) {
    const id = ids[node] as number;
    const f = tree.feature[node] as number;
    if (f < 0) {
      out.add(treeId, id, 'LEAF', 0, 0, 0, 0, false);
      out.targetTreeIds.push(treeId);
      out.targetNodeIds.push(id);
      out.targetIds.push(target);
      out.targetWeights.push(tree.value[node] as number);
      continue;
    }
    const left = ids[tree.left[node] as number] as number;
    const right = ids[tree.right[node] as number] as number;
    const x = column[f] as number;
    const missingLeft = tree.missingLeft[node] === 1;
    const bin = tree.thresholdBin[node] as number;
    if (bin >= 0) {
      const bound = thresholdOf(mapper.features[f] as FeatureBins, bin);
      out.add(treeId, id, 'BRANCH_LEQ', x, bound, left, right, missingLeft);
      continue;
    }
    // Membership as a chain: bin == c1 ? left : bin == c2 ? left : ... : right. A missing
    // value (NaN) is decided by the first node; -1 matches no bin when only missing goes left.
    const members = tree.categories[node] as Int32Array;
    const values = members.length > 0 ? Array.from(members) : [-1];
    values.forEach((value, j) => {
      const last = j === values.length - 1;
      out.add(treeId, id + j, 'BRANCH_EQ', x, value, left, last ? right : id + j + 1, j === 0 && missingLeft);
    });
  }
}

/**
 * Each feature as a double [N,1] column: numeric inputs cast, categorical ones
 * mapped by a LabelEncoder to their bin (NaN for empty or unseen strings).
 * Double so the ensemble sums leaf values in double, as the in-memory model does.
 */
function featureColumn(
  g: OnnxGraph,
  input: string,
  feature: FeatureBins,
  categories: readonly string[],
): string {
  let column = input;
  if (feature.kind === 'categorical') {
    const keys = categories.length > 0 ? categories : [''];
    const bins = categories.length > 0 ? Array.from(feature.categoryBins) : [Number.NaN];
    column = g.node(
      'LabelEncoder',
      [input],
      {
        keys_strings: attr.strings(keys),
        values_floats: attr.floats(bins),
        default_float: attr.float(Number.NaN),
      },
      { domain: ML_DOMAIN, hint: 'bin' },
    );
  }
  return g.node('Cast', [column], { to: attr.int(11) }, { hint: 'as_double' });
}

function usedFeatures(trees: readonly Tree[], count: number): number[] {
  const used = new Uint8Array(count);
  for (const tree of trees) for (const f of tree.feature) if (f >= 0) used[f] = 1;
  const out: number[] = [];
  used.forEach((u, f) => {
    if (u) out.push(f);
  });
  // The ensemble needs an input even when every tree is a single leaf.
  return out.length > 0 ? out : [0];
}

/**
 * The model as ONNX: raw columns -> per-feature double columns -> one
 * TreeEnsembleRegressor (raw scores, base values = the prior) -> the head
 * (prediction, or sigmoid/softmax probabilities and the label).
 */
export function gbdtToOnnx(spec: ProblemSpec, mapper: BinMapper, ensemble: Ensemble): Uint8Array {
  const { graph: g, inputs } = startModelGraph(spec, 'modelgate_gbdt');
  const used = usedFeatures(ensemble.trees, spec.features.length);
  const column = new Int32Array(spec.features.length).fill(-1);
  const columns = used.map((f, j) => {
    column[f] = j;
    const feature = spec.features[f];
    return featureColumn(
      g,
      inputs[f] as string,
      mapper.features[f] as FeatureBins,
      feature?.categories ?? [],
    );
  });
  const x = concatColumns(g, columns, 'features');
  const nodes = new EnsembleNodes();
  ensemble.trees.forEach((tree, t) => {
    addTree(nodes, tree, t, t % ensemble.outputs, mapper, column);
  });
  if (ensemble.trees.length === 0) {
    // The operator needs a tree: a single leaf worth 0 per output leaves the prior alone.
    for (let k = 0; k < ensemble.outputs; k++) addTree(nodes, singleLeaf, k, k, mapper, column);
  }
  const scores = g.node(
    'TreeEnsembleRegressor',
    [x],
    {
      n_targets: attr.int(ensemble.outputs),
      aggregate_function: attr.string('SUM'),
      post_transform: attr.string('NONE'),
      base_values_as_tensor: attr.tensor(Float64Array.from(ensemble.baseline)),
      nodes_treeids: attr.ints(nodes.treeIds),
      nodes_nodeids: attr.ints(nodes.nodeIds),
      nodes_featureids: attr.ints(nodes.featureIds),
      nodes_modes: attr.strings(nodes.modes),
      nodes_values_as_tensor: attr.tensor(Float64Array.from(nodes.values)),
      nodes_truenodeids: attr.ints(nodes.trueIds),
      nodes_falsenodeids: attr.ints(nodes.falseIds),
      nodes_missing_value_tracks_true: attr.ints(nodes.missingTracksTrue),
      target_treeids: attr.ints(nodes.targetTreeIds),
      target_nodeids: attr.ints(nodes.targetNodeIds),
      target_ids: attr.ints(nodes.targetIds),
      target_weights_as_tensor: attr.tensor(Float64Array.from(nodes.targetWeights)),
    },
    { domain: ML_DOMAIN, hint: 'scores' },
  );
  if (spec.task === 'regression') regressionOutput(g, scores);
  else if (spec.task === 'binary') {
    const positive = g.node('Sigmoid', [scores], {}, { hint: 'positive' });
    const one = g.initializer('one', Float32Array.of(1));
    const negative = g.node('Sub', [one, positive], {}, { hint: 'negative' });
    const probabilities = concatColumns(g, [negative, positive], 'probabilities');
    classifierOutputs(g, probabilities, spec.classes ?? []);
  } else {
    const probabilities = g.node('Softmax', [scores], { axis: attr.int(1) }, { hint: 'softmax' });
    classifierOutputs(g, probabilities, spec.classes ?? []);
  }
  return finishModel(g, spec, 'gbdt');
}
