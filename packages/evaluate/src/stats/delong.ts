/** Midranks (1-based, ties share their mean rank) of `values`. */
function midranks(values: Float64Array): Float64Array {
  const order = Array.from(values.keys()).sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Float64Array(values.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1] as number] === values[order[i] as number]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k] as number] = rank;
    i = j + 1;
  }
  return ranks;
}

/**
 * Placement values of one model's scores (Sun & Xu 2014): for each positive
 * row the share of negatives it outranks (ties count 1/2), and for each
 * negative row the share of positives that outrank it. Their means are the AUC.
 */
function placements(positive: Uint8Array, scores: Float64Array) {
  const pos = scores.filter((_, i) => positive[i] === 1);
  const neg = scores.filter((_, i) => positive[i] !== 1);
  const all = midranks(Float64Array.from([...pos, ...neg]));
  const withinPos = midranks(pos);
  const withinNeg = midranks(neg);
  const m = pos.length;
  const n = neg.length;
  const v10 = Float64Array.from(withinPos, (r, i) => ((all[i] as number) - r) / n);
  const v01 = Float64Array.from(withinNeg, (r, j) => 1 - ((all[m + j] as number) - r) / m);
  return { v10, v01 };
}

const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;

/** Sample variance (n - 1) of x - y, taken of the differences so that near-equal models lose no digits. */
function differenceVariance(x: Float64Array, y: Float64Array): number {
  const d = Float64Array.from(x, (v, i) => v - (y[i] as number));
  const md = mean(d);
  let sum = 0;
  for (const v of d) sum += (v - md) ** 2;
  return sum / (d.length - 1);
}

export interface DeLongComparison {
  challenger: number;
  champion: number;
  /** AUC(challenger) - AUC(champion). */
  difference: number;
  /** DeLong's estimate of the difference's variance. */
  variance: number;
}

/**
 * DeLong, DeLong & Clarke-Pearson (1988): the difference of two correlated
 * ROC AUCs on the same rows with its variance, from the covariance of the
 * two models' placement values among positives and among negatives.
 * Needs two positives and two negatives at least.
 */
export function pairedDeLong(
  positive: Uint8Array,
  challenger: Float64Array,
  champion: Float64Array,
): DeLongComparison | { undefined: string } {
  let m = 0;
  for (const p of positive) m += p === 1 ? 1 : 0;
  const n = positive.length - m;
  if (m < 2 || n < 2) {
    return { undefined: `DeLong's variance needs 2 positive and 2 negative rows; there are ${m} and ${n}` };
  }
  const a = placements(positive, challenger);
  const b = placements(positive, champion);
  const auc = (p: { v10: Float64Array }) => mean(p.v10);
  const s10 = differenceVariance(a.v10, b.v10);
  const s01 = differenceVariance(a.v01, b.v01);
  const challengerAuc = auc(a);
  const championAuc = auc(b);
  return {
    challenger: challengerAuc,
    champion: championAuc,
    difference: challengerAuc - championAuc,
    variance: s10 / m + s01 / n,
  };
}
