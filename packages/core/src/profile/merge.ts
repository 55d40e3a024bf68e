import { UserError } from '../errors.js';
import { mergeCategories } from './categories.js';
import { isoFromEpochMs } from './column-sql.js';
import { mergeNumericStats } from './numeric-stats.js';
import { emptyLike } from './sketch.js';
import { mergeValueStats, valueStats } from './stats.js';
import { type ColumnProfile, type DataProfile, PROFILE_VERSION, type TextColumnProfile } from './types.js';
import { upgradeProfile } from './upgrade.js';

/** The profile of no values of the same kind, standing in for a column one side does not have. */
function absentLike(column: ColumnProfile, rows: number): ColumnProfile {
  const none = { count: 0, nulls: rows, distinct: 0, distinctExact: true };
  const noStats = valueStats(0, null, 0, null, null);
  switch (column.kind) {
    case 'numeric':
    case 'datetime': {
      const stats = {
        ...noStats,
        quantiles: null,
        histogram: null,
        sketch: emptyLike(column.stats.sketch),
      };
      return column.kind === 'numeric'
        ? { ...column, ...none, nan: 0, posInf: 0, negInf: 0, stats }
        : { ...column, ...none, min: null, max: null, stats };
    }
    case 'boolean':
      return { ...column, ...none, true: 0, false: 0 };
    case 'categorical':
      return { ...column, ...none, categories: [], other: 0, length: noStats };
    case 'text':
      return { ...column, ...none, length: noStats };
  }
}

/** Without the sketch we only know the larger side is a lower bound, unless one side is empty. */
function mergedDistinct(a: ColumnProfile, b: ColumnProfile): { distinct: number; distinctExact: boolean } {
  if (a.count === 0) return { distinct: b.distinct, distinctExact: b.distinctExact };
  if (b.count === 0) return { distinct: a.distinct, distinctExact: a.distinctExact };
  return { distinct: Math.max(a.distinct, b.distinct), distinctExact: false };
}

function asText(column: ColumnProfile & { kind: 'categorical' | 'text' }): TextColumnProfile {
  const { type, count, nulls, distinct, distinctExact, length } = column;
  return { kind: 'text', type, count, nulls, distinct, distinctExact, length };
}

function mergeColumn(name: string, a: ColumnProfile, b: ColumnProfile, exactValues: number): ColumnProfile {
  const base = {
    type: a.type === b.type ? a.type : [...new Set([...a.type.split(' | '), b.type])].join(' | '),
    count: a.count + b.count,
    nulls: a.nulls + b.nulls,
  };
  if (a.kind === 'numeric' && b.kind === 'numeric') {
    return {
      kind: 'numeric',
      ...base,
      ...mergedDistinct(a, b),
      nan: a.nan + b.nan,
      posInf: a.posInf + b.posInf,
      negInf: a.negInf + b.negInf,
      stats: mergeNumericStats(a.stats, b.stats, exactValues),
    };
  }
  if (a.kind === 'datetime' && b.kind === 'datetime') {
    const stats = mergeNumericStats(a.stats, b.stats, exactValues);
    return {
      kind: 'datetime',
      ...base,
      ...mergedDistinct(a, b),
      min: stats.min === null ? null : isoFromEpochMs(stats.min, base.type),
      max: stats.max === null ? null : isoFromEpochMs(stats.max, base.type),
      stats,
    };
  }
  if (a.kind === 'boolean' && b.kind === 'boolean') {
    const t = a.true + b.true;
    const f = a.false + b.false;
    return {
      kind: 'boolean',
      ...base,
      distinct: Number(t > 0) + Number(f > 0),
      distinctExact: true,
      true: t,
      false: f,
    };
  }
  if (a.kind === 'categorical' && b.kind === 'categorical') {
    const { categories, other } = mergeCategories(a, b);
    const exact = other === 0;
    return {
      kind: 'categorical',
      ...base,
      distinct: exact ? categories.length : Math.max(a.distinct, b.distinct, categories.length + 1),
      distinctExact: exact,
      categories,
      other,
      length: mergeValueStats(a.length, b.length),
    };
  }
  if ((a.kind === 'categorical' || a.kind === 'text') && (b.kind === 'categorical' || b.kind === 'text')) {
    const [ta, tb] = [asText(a), asText(b)];
    return {
      kind: 'text',
      ...base,
      ...mergedDistinct(ta, tb),
      length: mergeValueStats(ta.length, tb.length),
    };
  }
  throw new UserError(`column '${name}': cannot merge a ${a.kind} profile with a ${b.kind} one.`);
}

function mergeTwo(a: DataProfile, b: DataProfile): DataProfile {
  const exactValues = Math.min(a.exactValues ?? 0, b.exactValues ?? 0);
  const merge = (name: string, ca: ColumnProfile, cb: ColumnProfile) =>
    mergeColumn(name, ca, cb, exactValues);
  const names = [...new Set([...Object.keys(a.columns), ...Object.keys(b.columns)])];
  const columns = names.map((name): [string, ColumnProfile] => {
    const ca = a.columns[name];
    const cb = b.columns[name];
    if (ca && cb) return [name, merge(name, ca, cb)];
    if (ca) return [name, merge(name, ca, absentLike(ca, b.rows))];
    const only = cb as ColumnProfile;
    return [name, merge(name, absentLike(only, a.rows), only)];
  });
  return {
    version: PROFILE_VERSION,
    rows: a.rows + b.rows,
    exactValues,
    columns: Object.fromEntries(columns),
  };
}

/**
 * The profile of all the rows behind the given profiles, as if profiled
 * together: counts, moments, sketches and (below MAX_CATEGORIES) category
 * counts exactly; quantiles and the histogram from the merged sketch; distinct
 * as a lower bound; exact value counts while the union has at most the
 * smaller `exactValues` of the two. A column missing from one side counts as null there.
 * createdAt and source are dropped: they describe one input.
 */
export function mergeProfiles(first: DataProfile, ...rest: DataProfile[]): DataProfile {
  const [head, ...tail] = [first, ...rest].map((profile, i) => upgradeProfile(profile, `profile ${i + 1}`));
  const { createdAt: _c, source: _s, ...merged } = tail.reduce(mergeTwo, head as DataProfile);
  return merged;
}
