import type { ColumnProfile, DataProfile } from '@modelgate/core';

/** What the prediction series tracks: the mean of numbers, the share of true, or of the window's top class. */
export interface PredictionMeasure {
  name: string;
  of(profile: DataProfile): number | null;
}

function shareOf(column: ColumnProfile | undefined, value: string): number | null {
  if (column?.kind === 'boolean') {
    const n = column.true + column.false;
    return n > 0 ? column.true / n : null;
  }
  if (column?.kind === 'categorical') {
    const n = column.count;
    const hit = column.categories.find(([v]) => v === value)?.[1] ?? 0;
    return n > 0 ? hit / n : null;
  }
  return null;
}

export function predictionMeasure(name: string, window: DataProfile): PredictionMeasure | null {
  const column = window.columns[name];
  if (!column) return null;
  if (column.kind === 'numeric') {
    return {
      name: `${name} (mean)`,
      of: (p) => {
        const c = p.columns[name];
        return c?.kind === 'numeric' ? c.stats.mean : null;
      },
    };
  }
  if (column.kind === 'boolean')
    return { name: `${name} (share true)`, of: (p) => shareOf(p.columns[name], 'true') };
  if (column.kind === 'categorical') {
    const top = column.categories[0]?.[0];
    if (top === undefined) return null;
    return { name: `${name} (share '${top}')`, of: (p) => shareOf(p.columns[name], top) };
  }
  return null;
}
