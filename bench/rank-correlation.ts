/** Ranks from 1, ties given the mean of the ranks they span (a host that stole nothing from many runs ties them all). */
function ranks(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const out = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.value === order[start]?.value) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) out[(order[k] as { index: number }).index] = rank;
    start = end + 1;
  }
  return out;
}

/**
 * Spearman's rank correlation of paired values: 1 where the larger x always goes with the larger y,
 * 0 where they are unrelated; NaN where either side does not vary.
 */
export function rankCorrelation(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new Error('rankCorrelation: x and y differ in length');
  const [rx, ry] = [ranks(x), ranks(y)];
  const mean = (x.length + 1) / 2;
  let [sxy, sxx, syy] = [0, 0, 0];
  for (let i = 0; i < x.length; i++) {
    const [dx, dy] = [(rx[i] as number) - mean, (ry[i] as number) - mean];
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}
