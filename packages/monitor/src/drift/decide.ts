import { isBorderline } from './borderline.js';
import { adjustPValues } from './correction.js';
import { formatStatistic } from './format.js';
import { type DriftMethod, usesPValue } from './methods.js';
import type { Correction } from './options.js';
import type { ColumnDrift, DriftSection } from './types.js';

const STATISTIC_NAMES: Record<DriftMethod, string> = {
  ks: 'KS D',
  chisquare: 'chi²',
  z: 'z',
  wasserstein: 'Wasserstein/σ',
  jensenshannon: 'Jensen–Shannon',
  psi: 'PSI',
  kl_div: 'KL',
  hellinger: 'Hellinger',
};

function describe(column: ColumnDrift, correction: Correction): string {
  const method = column.method as DriftMethod;
  const parts = [`${STATISTIC_NAMES[method]} ${formatStatistic(column.statistic as number)}`];
  const threshold = formatStatistic(column.threshold as number);
  if (column.pValue !== undefined) {
    const adjusted =
      column.adjustedPValue !== undefined ? ` (${correction} ${formatStatistic(column.adjustedPValue)})` : '';
    parts.push(`p ${formatStatistic(column.pValue)}${adjusted} ${column.drifted ? '<' : '≥'} ${threshold}`);
  } else {
    parts[0] += ` ${column.drifted ? '≥' : '<'} ${threshold}`;
  }
  if (column.sketchError !== undefined && column.sketchError > 0) {
    const borderline = column.borderline ? ': borderline, the exact value may fall either side' : '';
    parts.push(`sketch error ≤ ${formatStatistic(column.sketchError)}${borderline}`);
  }
  parts.push(`${column.reference.count} → ${column.current?.count ?? 0} values`);
  return parts.join(', ');
}

/**
 * Applies thresholds to the tested columns of one section: p-values below
 * theirs (after the correction, over this section's p-value tests only) and
 * distances at or above theirs are drift.
 */
export function decideSection(columns: readonly ColumnDrift[], correction: Correction): DriftSection {
  const tested = columns.filter((c) => c.status === 'stable' && c.method !== null);
  const withP = tested.filter((c) => c.method !== null && usesPValue(c.method) && c.pValue !== undefined);
  const adjusted = adjustPValues(
    withP.map((c) => c.pValue as number),
    correction,
  );
  const adjustedOf = new Map(withP.map((c, i) => [c, adjusted[i] as number]));
  const decided = columns.map((c): ColumnDrift => {
    if (!tested.includes(c)) return c;
    const threshold = c.threshold as number;
    const corrected = correction === 'none' ? undefined : adjustedOf.get(c);
    const drifted =
      c.pValue !== undefined ? (corrected ?? c.pValue) < threshold : (c.statistic as number) >= threshold;
    const out: ColumnDrift = {
      ...c,
      ...(corrected !== undefined ? { adjustedPValue: corrected } : {}),
      drifted,
      status: drifted ? 'drift' : 'stable',
    };
    out.borderline = isBorderline(out);
    return { ...out, detail: describe(out, correction) };
  });
  const evaluated = decided.filter(
    (c) => c.status === 'drift' || c.status === 'stable' || c.status === 'constant',
  ).length;
  const drifted = decided.filter((c) => c.drifted).length;
  return { columns: decided, evaluated, drifted, share: evaluated > 0 ? drifted / evaluated : 0 };
}
