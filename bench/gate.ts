/**
 * bench:gate — how often the champion/challenger gate promotes a challenger,
 * by holdout size, champion level and true difference, measured by driving
 * buildEvaluation (what `modelgate evaluate` runs, default settings: 1000
 * bootstrap resamples, seed 42, 95% intervals) with simulated pairs of binary
 * classifiers whose errors are correlated (r = 0.5), beside an MLflow-style
 * fixed threshold on the same pairs (promote when the point estimate is not
 * worse than the champion's by more than the margin).
 *
 * - accuracy (Tango's score interval): simulated, and the exact promotion
 *   probability (a sum over every count of discordant rows);
 * - roc_auc (DeLong) and log_loss (lower is better, paired bootstrap):
 *   binormal scores with known population AUC and log loss.
 * Margin m = 0.01 throughout. GATE_PAIRS scales the pairs per cell (default 1).
 * The acceptance line: a challenger worse by m promoted <= 5% of the time in
 * every cell, and (accuracy) one better by 0.03 >= 80% of the time at n >= 1000.
 */
import {
  type CellResult,
  exactPromotionRate,
  simulateCell,
  simulateScoredCell,
} from '../packages/evaluate/test/gate-simulation.js';

const MARGIN = 0.01;
const CORRELATION = 0.5;
const SEED = 42;
const SCALE = Number(process.env.GATE_PAIRS ?? 1);
const ROWS = [200, 1000, 5000];

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Wilson's 95% interval of a share, to read each rate with its simulation noise. */
function wilson(share: number, n: number): string {
  const z = 1.959964;
  const centre = (share + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((share * (1 - share)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return `${percent(share)} (${percent(Math.max(0, centre - half))}–${percent(Math.min(1, centre + half))})`;
}

const signed = (d: number) => (d > 0 ? `+${d}` : `${d}`);

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i < 3 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** ✗ where a cell misses the acceptance line: size for every metric, power for accuracy (the cells). */
function flag(result: CellResult, power = true): string {
  if (result.difference === -MARGIN && result.gate > 0.05) return ' ✗';
  if (power && result.difference === 0.03 && result.rows >= 1000 && result.gate < 0.8) return ' ✗';
  return '';
}

const started = performance.now();
const failures: string[] = [];

console.log(`## accuracy: non_inferiority ${MARGIN}, correlation of errors ${CORRELATION}\n`);
const accuracyRows: string[][] = [];
for (const rows of ROWS) {
  for (const championAccuracy of [0.8, 0.95]) {
    for (const difference of [-2 * MARGIN, -MARGIN, 0, 0.02, 0.03]) {
      const cell = { rows, championAccuracy, difference };
      const result = simulateCell(cell, {
        pairs: Math.round(1000 * SCALE),
        margin: MARGIN,
        correlation: CORRELATION,
        seed: SEED,
      });
      const exact = exactPromotionRate(cell, CORRELATION, MARGIN);
      if (flag(result)) failures.push(`accuracy n=${rows} acc=${championAccuracy} Δ=${difference}`);
      accuracyRows.push([
        String(rows),
        String(championAccuracy),
        signed(difference),
        `${wilson(result.gate, result.pairs)}${flag(result)}`,
        percent(exact),
        percent(result.fixedThreshold),
      ]);
    }
  }
}
console.log(
  table(
    ['n', 'champion', 'true Δ', 'gate (simulated, 95% CI)', 'gate (exact)', 'fixed threshold'],
    accuracyRows,
  ),
);

console.log('\n### accuracy, worse by m: exact promotion probability by correlation of errors\n');
const correlations = [0, 0.3, 0.5, 0.8];
const byCorrelation: string[][] = [];
for (const rows of ROWS.slice(0, 2)) {
  for (const championAccuracy of [0.8, 0.95]) {
    byCorrelation.push([
      String(rows),
      String(championAccuracy),
      signed(-MARGIN),
      ...correlations.map((r) =>
        percent(exactPromotionRate({ rows, championAccuracy, difference: -MARGIN }, r, MARGIN)),
      ),
    ]);
  }
}
console.log(table(['n', 'champion', 'true Δ', ...correlations.map((r) => `r = ${r}`)], byCorrelation));

for (const [metric, levels, pairs] of [
  ['roc_auc', [0.8, 0.95], { 200: 400, 1000: 300, 5000: 100 }],
  ['log_loss', [0.5, 0.25], { 200: 300, 1000: 150, 5000: 60 }],
] as const) {
  console.log(
    `\n## ${metric}: non_inferiority ${MARGIN} (${metric === 'roc_auc' ? "DeLong's interval" : 'paired bootstrap; lower is better, Δ = improvement'})\n`,
  );
  const lines: string[][] = [];
  for (const rows of ROWS) {
    for (const champion of levels) {
      for (const improvement of [-MARGIN, 0, 0.03]) {
        const result = simulateScoredCell(
          { rows, metric, champion, improvement },
          {
            pairs: Math.round(pairs[rows as 200 | 1000 | 5000] * SCALE),
            margin: MARGIN,
            correlation: CORRELATION,
            seed: SEED,
          },
        );
        if (flag(result, false)) failures.push(`${metric} n=${rows} champion=${champion} Δ=${improvement}`);
        lines.push([
          String(rows),
          String(champion),
          signed(improvement),
          `${wilson(result.gate, result.pairs)}${flag(result, false)}`,
          percent(result.fixedThreshold),
          String(result.pairs),
        ]);
      }
    }
  }
  console.log(table(['n', 'champion', 'true Δ', 'gate (95% CI)', 'fixed threshold', 'pairs'], lines));
}

const worse = accuracyRows.filter((r) => r[2] === signed(-MARGIN));
const gateRate = worse.reduce((s, r) => s + Number.parseFloat(r[3] ?? '0'), 0) / worse.length;
const fixedRate = worse.reduce((s, r) => s + Number.parseFloat(r[5] ?? '0'), 0) / worse.length;
console.log(
  `\nA challenger worse by m (accuracy): the fixed threshold promotes it ${(fixedRate / gateRate).toFixed(1)}x as often as the gate (${fixedRate.toFixed(1)}% vs ${gateRate.toFixed(1)}%, mean over cells).`,
);
console.log(
  failures.length === 0
    ? 'Every cell meets the acceptance line (cells marked ✗ would not).'
    : `Cells off the acceptance line: ${failures.join('; ')}`,
);
console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
