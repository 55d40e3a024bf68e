import { type GateConfig, logGamma, type TaskPredictions } from '@modelgate/core';
import {
  buildEvaluation,
  evaluationSettings,
  normalQuantile,
  type ScoredModel,
  tangoNonInferior,
} from '../src/index.js';
import { fixedCosts, seeded } from './synthetic.js';

/** One cell of the decision-quality table: holdout size, the champion's accuracy, the true difference. */
export interface SimulationCell {
  rows: number;
  championAccuracy: number;
  /** True accuracy(challenger) - accuracy(champion). */
  difference: number;
}

export interface SimulationSettings {
  /** Pairs of models per cell. */
  pairs: number;
  margin: number;
  /** Correlation of the two models' per-row correctness (errors on the same hard rows). */
  correlation: number;
  seed: number;
  /** Give the models class probabilities as well as labels (slower: log_loss and ROC AUC get intervals). */
  probabilities?: boolean;
}

export interface CellResult extends SimulationCell {
  pairs: number;
  /** Share of pairs the gate promotes (buildEvaluation's verdict). */
  gate: number;
  /** Share an MLflow-style fixed threshold promotes: accuracy(challenger) >= accuracy(champion) - margin. */
  fixedThreshold: number;
}

/**
 * The four cells of the paired 2x2 table for two binary classifiers with
 * accuracies p0 (champion) and p1 and correctness correlation r:
 * P(both right) = p0 p1 + r √(p0 (1 - p0) p1 (1 - p1)).
 */
export function pairedCells(p0: number, p1: number, r: number) {
  const both = p0 * p1 + r * Math.sqrt(p0 * (1 - p0) * p1 * (1 - p1));
  const cells = { both, challengerOnly: p1 - both, championOnly: p0 - both, neither: 1 - p0 - p1 + both };
  if (Object.values(cells).some((p) => p < -1e-12)) {
    throw new RangeError(`no 2x2 table has accuracies ${p0}, ${p1} and correlation ${r}`);
  }
  return cells;
}

function model(label: string, predictions: TaskPredictions): ScoredModel {
  return {
    file: { label, path: label, sha256: label.padEnd(64, '0').slice(0, 64), registry: null, bytes: 1 },
    specSource: 'onnx-metadata',
    features: ['x'],
    predictions,
    costs: fixedCosts(1, 1, 1, 1),
  };
}

/** A probability for the predicted label, high when right more often than when wrong, so AUC and log loss follow accuracy. */
function confidence(correct: boolean, random: () => number): number {
  return correct ? 0.55 + 0.44 * random() : 0.5 + 0.35 * random();
}

/** Two binary classifiers on the same `rows` rows, drawn from the cell's 2x2 table. */
export function simulatePair(
  cell: SimulationCell,
  correlation: number,
  random: () => number,
  probabilities = false,
): { challenger: TaskPredictions; champion: TaskPredictions } {
  const p = pairedCells(cell.championAccuracy, cell.championAccuracy + cell.difference, correlation);
  const yTrue = new Int32Array(cell.rows);
  const a = new Int32Array(cell.rows);
  const b = new Int32Array(cell.rows);
  const pa = new Float64Array(cell.rows * 2);
  const pb = new Float64Array(cell.rows * 2);
  for (let i = 0; i < cell.rows; i++) {
    const y = random() < 0.5 ? 1 : 0;
    const u = random();
    const challengerRight = u < p.both + p.challengerOnly;
    const championRight =
      u < p.both || (u >= p.both + p.challengerOnly && u < p.both + p.challengerOnly + p.championOnly);
    yTrue[i] = y;
    a[i] = challengerRight ? y : 1 - y;
    b[i] = championRight ? y : 1 - y;
    const ca = confidence(challengerRight, random);
    const cb = confidence(championRight, random);
    pa[i * 2 + (a[i] as number)] = ca;
    pa[i * 2 + 1 - (a[i] as number)] = 1 - ca;
    pb[i * 2 + (b[i] as number)] = cb;
    pb[i * 2 + 1 - (b[i] as number)] = 1 - cb;
  }
  const of = (labels: Int32Array, probs: Float64Array): TaskPredictions => ({
    task: 'binary',
    yTrue,
    classes: 2,
    classNames: ['no', 'yes'],
    yPred: labels,
    ...(probabilities ? { probabilities: probs } : {}),
  });
  return { challenger: of(a, pa), champion: of(b, pb) };
}

const accuracyOf = (p: TaskPredictions) => {
  if (p.task === 'regression' || !p.yPred) throw new Error('expected labels');
  let right = 0;
  for (let i = 0; i < p.yTrue.length; i++) right += p.yPred[i] === p.yTrue[i] ? 1 : 0;
  return right;
};

/**
 * How often the gate promotes the challenger in one cell, driving
 * buildEvaluation (what `modelgate evaluate` runs) with the default
 * settings: 1000 bootstrap resamples, seed 42, 95% intervals.
 */
export function simulateCell(
  cell: SimulationCell,
  settings: SimulationSettings,
  /** `gate:` as modelgate.yaml gives it (undefined: none written); default accuracy non-inferiority at the margin. */
  config: { gate: GateConfig } = { gate: { accuracy: { non_inferiority: settings.margin } } },
): CellResult {
  const random = seeded(
    settings.seed + Math.round(cell.rows * 7 + cell.championAccuracy * 1000 + cell.difference * 1e5),
  );
  let promoted = 0;
  let fixed = 0;
  for (let k = 0; k < settings.pairs; k++) {
    const pair = simulatePair(cell, settings.correlation, random, settings.probabilities);
    const doc = buildEvaluation({
      model: 'simulated',
      task: 'binary',
      target: 'y',
      rules: config.gate,
      settings: evaluationSettings(),
      challenger: model('challenger', pair.challenger),
      champion: model('champion', pair.champion),
      holdout: { source: 'simulated', files: [], rows: cell.rows, droppedRows: 0, sha256: '0'.repeat(64) },
      sliceColumns: [],
    });
    if (doc.verdict === 'pass') promoted++;
    // MLflow's MetricThreshold compares point estimates: no interval, the margin as a fixed threshold.
    if (accuracyOf(pair.challenger) - accuracyOf(pair.champion) >= -settings.margin * cell.rows - 1e-9)
      fixed++;
  }
  return {
    ...cell,
    pairs: settings.pairs,
    gate: promoted / settings.pairs,
    fixedThreshold: fixed / settings.pairs,
  };
}

/**
 * The exact probability that the gate promotes in one cell: the accuracy
 * rule depends on the holdout only through the discordant counts (b, c),
 * so summing the trinomial probability of every (b, c) it passes is exact,
 * with no simulation noise. Counts beyond 10 standard deviations are left out.
 */
export function exactPromotionRate(
  cell: SimulationCell,
  correlation: number,
  margin: number,
  level = 0.95,
): number {
  const p = pairedCells(cell.championAccuracy, cell.championAccuracy + cell.difference, correlation);
  const n = cell.rows;
  const range = (q: number) => {
    const sd = Math.sqrt(n * q * (1 - q));
    return [
      Math.max(0, Math.floor(n * q - 10 * sd - 1)),
      Math.min(n, Math.ceil(n * q + 10 * sd + 1)),
    ] as const;
  };
  const [bLo, bHi] = range(p.challengerOnly);
  const [cLo, cHi] = range(p.championOnly);
  const logB = Math.log(p.challengerOnly);
  const logC = Math.log(p.championOnly);
  const logRest = Math.log(1 - p.challengerOnly - p.championOnly);
  const logFactorial = (k: number) => logGamma(k + 1);
  const times = (k: number, log: number) => (k === 0 ? 0 : k * log);
  let promoted = 0;
  for (let b = bLo; b <= bHi; b++) {
    for (let c = cLo; c <= cHi && b + c <= n; c++) {
      if (!tangoNonInferior({ challengerOnly: b, championOnly: c, rows: n }, margin, level)) continue;
      promoted += Math.exp(
        logFactorial(n) -
          logFactorial(b) -
          logFactorial(c) -
          logFactorial(n - b - c) +
          times(b, logB) +
          times(c, logC) +
          times(n - b - c, logRest),
      );
    }
  }
  return promoted;
}

/** A standard normal draw (Box–Muller) from a uniform generator. */
function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));

/**
 * Population log loss of a binormal score with separation μ (scores N(μ y, 1),
 * balanced classes) turned into its calibrated probability sigmoid(μ s - μ²/2):
 * E log(1 + e^-t) for t ~ N(μ²/2, μ²), by the trapezoid rule over ±12 σ.
 */
export function binormalLogLoss(mu: number): number {
  if (mu === 0) return Math.LN2;
  const mean = (mu * mu) / 2;
  const sd = Math.abs(mu);
  const steps = 4000;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const z = -12 + (24 * i) / steps;
    const t = mean + sd * z;
    const loss = t > 0 ? Math.log1p(Math.exp(-t)) : -t + Math.log1p(Math.exp(t));
    sum += (i === 0 || i === steps ? 0.5 : 1) * loss * Math.exp((-z * z) / 2);
  }
  return (sum * (24 / steps)) / Math.sqrt(2 * Math.PI);
}

/** The separation μ whose calibrated binormal model has the given log loss (it falls as μ grows). */
export function separationForLogLoss(target: number): number {
  let lo = 0;
  let hi = 20;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (binormalLogLoss(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Two binary classifiers scoring the same rows: binormal scores N(μ y, 1)
 * with a shared component of weight `correlation` (both models find the same
 * rows hard), turned into calibrated probabilities. Their ROC AUCs are
 * Φ(μ / √2) and their log losses binormalLogLoss(μ), exactly.
 */
export function simulateScoredPair(
  rows: number,
  separations: { challenger: number; champion: number },
  correlation: number,
  random: () => number,
): { challenger: TaskPredictions; champion: TaskPredictions } {
  const yTrue = new Int32Array(rows);
  const pa = new Float64Array(rows * 2);
  const pb = new Float64Array(rows * 2);
  const shared = Math.sqrt(correlation);
  const own = Math.sqrt(1 - correlation);
  for (let i = 0; i < rows; i++) {
    const y = random() < 0.5 ? 1 : 0;
    yTrue[i] = y;
    const e = gaussian(random);
    const score = (mu: number) => mu * y + shared * e + own * gaussian(random);
    const a = separations.challenger;
    const b = separations.champion;
    const p1a = sigmoid(a * score(a) - (a * a) / 2);
    const p1b = sigmoid(b * score(b) - (b * b) / 2);
    pa[i * 2 + 1] = p1a;
    pa[i * 2] = 1 - p1a;
    pb[i * 2 + 1] = p1b;
    pb[i * 2] = 1 - p1b;
  }
  const of = (probabilities: Float64Array): TaskPredictions => ({
    task: 'binary',
    yTrue,
    classes: 2,
    classNames: ['no', 'yes'],
    probabilities,
  });
  return { challenger: of(pa), champion: of(pb) };
}

export interface ScoredCell {
  rows: number;
  metric: 'roc_auc' | 'log_loss';
  /** The champion's true metric. */
  champion: number;
  /** True improvement of the challenger in the metric's own direction (positive = better). */
  improvement: number;
}

/** Separations giving the cell's true metrics: AUC = Φ(μ/√2), log loss = binormalLogLoss(μ). */
export function separationsOf(cell: ScoredCell): { challenger: number; champion: number } {
  if (cell.metric === 'roc_auc') {
    const mu = (auc: number) => Math.SQRT2 * normalQuantile(auc);
    return { champion: mu(cell.champion), challenger: mu(cell.champion + cell.improvement) };
  }
  return {
    champion: separationForLogLoss(cell.champion),
    challenger: separationForLogLoss(cell.champion - cell.improvement),
  };
}

/** How often the gate promotes in a ROC AUC or log-loss cell, through buildEvaluation; and a fixed threshold on point estimates. */
export function simulateScoredCell(cell: ScoredCell, settings: SimulationSettings): CellResult {
  const random = seeded(
    settings.seed + Math.round(cell.rows * 7 + cell.champion * 1000 + cell.improvement * 1e5),
  );
  const separations = separationsOf(cell);
  let promoted = 0;
  let fixed = 0;
  for (let k = 0; k < settings.pairs; k++) {
    const pair = simulateScoredPair(cell.rows, separations, settings.correlation, random);
    const doc = buildEvaluation({
      model: 'simulated',
      task: 'binary',
      target: 'y',
      rules: { [cell.metric]: { non_inferiority: settings.margin } },
      settings: evaluationSettings({ bootstrap: { metrics: [cell.metric] } }),
      challenger: model('challenger', pair.challenger),
      champion: model('champion', pair.champion),
      holdout: { source: 'simulated', files: [], rows: cell.rows, droppedRows: 0, sha256: '0'.repeat(64) },
      sliceColumns: [],
    });
    if (doc.verdict === 'pass') promoted++;
    const a = doc.challenger.metrics[cell.metric];
    const b = doc.champion?.metrics[cell.metric];
    if (typeof a === 'number' && typeof b === 'number') {
      const gain = cell.metric === 'log_loss' ? b - a : a - b;
      if (gain >= -settings.margin) fixed++;
    }
  }
  return {
    rows: cell.rows,
    championAccuracy: cell.champion,
    difference: cell.improvement,
    pairs: settings.pairs,
    gate: promoted / settings.pairs,
    fixedThreshold: fixed / settings.pairs,
  };
}
