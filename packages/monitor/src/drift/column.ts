import type { ColumnKind } from '@modelgate/core';
import type { ColumnDistribution, Comparable } from './distribution.js';
import type { DriftSettings } from './options.js';
import { runMethod } from './run-method.js';
import { chooseMethod } from './select.js';
import type { ColumnDrift, SideCounts } from './types.js';

function counts(side: ColumnDistribution): SideCounts {
  return { rows: side.rows, count: side.count };
}

/**
 * Whether a binned method reads this side's exact counts: categories, or
 * numbers with a sketch bucket each (as far as the profile's distinct count
 * tells), so the statistic has no sketch error.
 */
function countsExactly(side: Comparable): boolean {
  return side.shape === 'categorical' || side.buckets === null || side.distinct === side.values.values.length;
}

/** The single value both sides hold, or null. */
function constantValue(side: Comparable): string | null {
  if (side.shape === 'numeric') return side.min !== null && side.min === side.max ? String(side.min) : null;
  const held = side.categories.filter(([, n]) => n > 0);
  return held.length === 1 && side.other === 0 ? (held[0] as [string, number])[0] : null;
}

/**
 * One column compared, before the section decides: a tested column comes
 * back `stable` with its statistic, and report.ts applies the thresholds and
 * the multiple-testing correction across columns.
 */
export function compareColumn(
  name: string,
  reference: ColumnDistribution,
  current: ColumnDistribution | undefined,
  settings: DriftSettings,
  source: ColumnDrift['source'],
): ColumnDrift {
  const base = {
    column: name,
    kind: reference.kind as ColumnKind,
    method: null,
    statistic: null,
    threshold: null,
    drifted: false,
    source,
    reference: counts(reference),
    current: current ? counts(current) : null,
  };
  if (!current) return { ...base, status: 'missing', detail: 'not in the current data' };
  if (reference.shape === 'untested')
    return { ...base, status: 'skipped', detail: 'text columns are not tested' };
  if (current.shape === 'untested' || current.kind !== reference.kind) {
    return {
      ...base,
      status: 'skipped',
      detail: `kind changed: ${reference.kind} in the reference, ${current.kind} now`,
    };
  }
  const accuracies = [reference, current].map((side) =>
    side.shape === 'numeric' ? side.buckets?.relativeAccuracy : undefined,
  );
  if (accuracies[0] !== undefined && accuracies[1] !== undefined && accuracies[0] !== accuracies[1]) {
    return {
      ...base,
      status: 'skipped',
      detail: `sketches of relative accuracy ${accuracies[0]} and ${accuracies[1]} do not share buckets; profile both sides alike`,
    };
  }
  const chosen = chooseMethod(name, reference, current, settings);
  if (!chosen) {
    return {
      ...base,
      status: 'skipped',
      detail: 'datetime columns are tested only when a method is configured',
    };
  }
  const { method, threshold } = chosen;
  const withMethod = { ...base, method, threshold };
  for (const [side, what] of [
    [reference, 'the reference'],
    [current, 'the current data'],
  ] as const) {
    if (side.count < settings.minRows) {
      return {
        ...withMethod,
        status: 'too_small',
        detail: `${what} has ${side.count} values; at least ${settings.minRows} are needed`,
      };
    }
  }
  const constant = constantValue(reference);
  if (constant !== null && constant === constantValue(current)) {
    return {
      ...withMethod,
      statistic: 0,
      sketchError: 0,
      status: 'constant',
      detail: `constant ${constant} on both sides`,
    };
  }
  const run = runMethod(method, reference, current, {
    bins: chosen.bins,
    jensenShannonBase: settings.jensenShannonBase,
  });
  if ('skip' in run) return { ...withMethod, status: 'skipped', detail: run.skip };
  const exact =
    source === 'samples' ||
    (run.sketchError === undefined && countsExactly(reference) && countsExactly(current));
  return { ...withMethod, ...(exact ? { sketchError: 0 } : {}), ...run, status: 'stable', detail: '' };
}
