import type { BinMapper, FeatureBins } from './binning.js';
import { SLOT } from './histogram.js';

/** Gradient statistics of a set of rows. */
export interface Sums {
  g: number;
  h: number;
  count: number;
}

/** The best split of a node: which bins of `feature` go left, and the sums of the left child. */
export interface Split {
  feature: number;
  gain: number;
  /** Indexed by bin (missing bin last): 1 = the row goes left. */
  goesLeft: Uint8Array;
  /** Numeric: left holds bins <= this (the upper bound of bin `threshold`); -1 for categorical. */
  thresholdBin: number;
  /** Categorical: the bins that go left (sorted), missing excluded; empty for numeric. */
  categories: Int32Array;
  missingLeft: boolean;
  left: Sums;
}

export interface SplitRules {
  l2: number;
  minSamplesLeaf: number;
  minGainToSplit: number;
  catSmooth: number;
}

/** A child needs this much hessian (scikit-learn's min_hessian_to_split). */
const MIN_CHILD_HESSIAN = 1e-3;
/** Categories seen fewer times in a node are not ordered; they go right (scikit-learn's MIN_CAT_SUPPORT). */
const MIN_CATEGORY_SUPPORT = 10;
/** At most this many categories on the left (LightGBM's and scikit-learn's max_cat_threshold). */
const MAX_LEFT_CATEGORIES = 32;

function score(g: number, h: number, l2: number): number {
  return (g * g) / (h + l2);
}

interface Candidate {
  gain: number;
  index: number;
  missingLeft: boolean;
}

function numericSplit(
  feature: FeatureBins,
  f: number,
  histogram: Float64Array,
  base: number,
  total: Sums,
  rules: SplitRules,
  parentScore: number,
  floor: number,
): Split | undefined {
  const bins = feature.bins;
  const m = base + bins * SLOT;
  const gm = histogram[m] as number;
  const hm = histogram[m + 1] as number;
  const cm = histogram[m + 2] as number;
  const { l2, minSamplesLeaf } = rules;
  const best: Candidate = { gain: floor, index: -1, missingLeft: false };
  let bestLeftG = 0;
  let bestLeftH = 0;
  let bestLeftC = 0;
  let gl = 0;
  let hl = 0;
  let cl = 0;
  // With missing values, the last position puts every present value left and the missing ones right.
  const last = cm > 0 ? bins - 1 : bins - 2;
  for (let b = 0; b <= last; b++) {
    const s = base + b * SLOT;
    gl += histogram[s] as number;
    hl += histogram[s + 1] as number;
    cl += histogram[s + 2] as number;
    for (let side = 0; side < (cm > 0 && b < bins - 1 ? 2 : 1); side++) {
      const lg = side === 0 ? gl : gl + gm;
      const lh = side === 0 ? hl : hl + hm;
      const lc = side === 0 ? cl : cl + cm;
      const rc = total.count - lc;
      if (lc < minSamplesLeaf || rc < minSamplesLeaf) continue;
      const rh = total.h - lh;
      if (lh < MIN_CHILD_HESSIAN || rh < MIN_CHILD_HESSIAN) continue;
      const gain = score(lg, lh, l2) + score(total.g - lg, rh, l2) - parentScore;
      if (gain > best.gain) {
        best.gain = gain;
        best.index = b;
        best.missingLeft = side === 1;
        bestLeftG = lg;
        bestLeftH = lh;
        bestLeftC = lc;
      }
    }
  }
  if (best.index < 0) return undefined;
  // No missing value reached this node: missing ones follow the majority, as in scikit-learn.
  const missingLeft = cm > 0 ? best.missingLeft : bestLeftC >= total.count - bestLeftC;
  const goesLeft = new Uint8Array(bins + 1);
  goesLeft.fill(1, 0, best.index + 1);
  goesLeft[bins] = missingLeft ? 1 : 0;
  return {
    feature: f,
    gain: best.gain,
    goesLeft,
    thresholdBin: best.index,
    categories: new Int32Array(0),
    missingLeft,
    left: { g: bestLeftG, h: bestLeftH, count: bestLeftC },
  };
}

function categoricalSplit(
  feature: FeatureBins,
  f: number,
  histogram: Float64Array,
  base: number,
  total: Sums,
  rules: SplitRules,
  parentScore: number,
  floor: number,
): Split | undefined {
  const slots = feature.bins + 1;
  const used: number[] = [];
  const ratio = new Float64Array(slots);
  for (let b = 0; b < slots; b++) {
    const s = base + b * SLOT;
    const count = histogram[s + 2] as number;
    if (count < MIN_CATEGORY_SUPPORT) continue;
    used.push(b);
    ratio[b] = (histogram[s] as number) / ((histogram[s + 1] as number) + rules.catSmooth);
  }
  if (used.length < 2) return undefined;
  used.sort((a, b) => (ratio[a] as number) - (ratio[b] as number) || a - b);
  const { l2, minSamplesLeaf } = rules;
  const maxLeft = Math.min(MAX_LEFT_CATEGORIES, (used.length + 1) >> 1);
  let best = floor;
  let bestFrom = -1;
  let bestSize = 0;
  let bestLeft: Sums = { g: 0, h: 0, count: 0 };
  // Both directions: the first k ordered categories left, or the last k.
  for (let direction = 0; direction < 2; direction++) {
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let k = 1; k <= maxLeft; k++) {
      const b = used[direction === 0 ? k - 1 : used.length - k] as number;
      const s = base + b * SLOT;
      gl += histogram[s] as number;
      hl += histogram[s + 1] as number;
      cl += histogram[s + 2] as number;
      const rc = total.count - cl;
      if (cl < minSamplesLeaf || rc < minSamplesLeaf) continue;
      const rh = total.h - hl;
      if (hl < MIN_CHILD_HESSIAN || rh < MIN_CHILD_HESSIAN) continue;
      const gain = score(gl, hl, l2) + score(total.g - gl, rh, l2) - parentScore;
      if (gain > best) {
        best = gain;
        bestFrom = direction;
        bestSize = k;
        bestLeft = { g: gl, h: hl, count: cl };
      }
    }
  }
  if (bestFrom < 0) return undefined;
  const left = bestFrom === 0 ? used.slice(0, bestSize) : used.slice(used.length - bestSize);
  const goesLeft = new Uint8Array(slots);
  for (const b of left) goesLeft[b] = 1;
  const missingLeft = goesLeft[feature.bins] === 1;
  const categories = Int32Array.from(left.filter((b) => b !== feature.bins)).sort();
  return { feature: f, gain: best, goesLeft, thresholdBin: -1, categories, missingLeft, left: bestLeft };
}

/**
 * The split with the largest gain over all features (first feature, then
 * lowest bin, wins ties), or undefined when none gains more than the rules allow.
 */
export function findBestSplit(
  mapper: BinMapper,
  histogram: Float64Array,
  total: Sums,
  rules: SplitRules,
): Split | undefined {
  const parentScore = score(total.g, total.h, rules.l2);
  let best: Split | undefined;
  for (let f = 0; f < mapper.features.length; f++) {
    const feature = mapper.features[f] as FeatureBins;
    const floor = Math.max(best?.gain ?? 0, rules.minGainToSplit);
    const base = (mapper.offsets[f] as number) * SLOT;
    const split =
      feature.kind === 'numeric'
        ? numericSplit(feature, f, histogram, base, total, rules, parentScore, floor)
        : categoricalSplit(feature, f, histogram, base, total, rules, parentScore, floor);
    if (split) best = split;
  }
  return best;
}
