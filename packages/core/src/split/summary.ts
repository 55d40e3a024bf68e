import type { ColumnData } from '../data/columns.js';
import type { ColumnInfo } from '../data/load.js';
import { encodeClasses, isNullAt } from './classes.js';
import { bySplit, SPLIT_NAMES, type SplitName } from './policy.js';

export interface SplitTargetSummary {
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n - 1); 0 for a single value. */
  std: number;
}

export interface SplitStats {
  rows: number;
  /** Rows whose target is null (kept by random, time and group splits; refused by stratified). */
  nullTargets: number;
  /** Classification: rows per class, every class listed in every split. */
  classes?: Record<string, number>;
  /** Regression: the target's spread over finite values; null when there are none. */
  target?: SplitTargetSummary | null;
  /** Time splits: first and last time (ISO text for dates and timestamps); null for an empty split. */
  timeRange?: { min: string | number; max: string | number } | null;
  /** Group splits: distinct groups in the split. */
  groups?: number;
}

export interface StatsColumns {
  target: ColumnData;
  classification: boolean;
  time?: { data: ColumnData; info: ColumnInfo };
  group?: ColumnData;
}

function emptyStats(): SplitStats {
  return { rows: 0, nullTargets: 0 };
}

export function describeSplits(assignment: Uint8Array, columns: StatsColumns): Record<SplitName, SplitStats> {
  const stats = SPLIT_NAMES.map(emptyStats);
  const { target } = columns;
  assignment.forEach((split, row) => {
    const s = stats[split] ?? emptyStats();
    s.rows++;
    if (isNullAt(target, row)) s.nullTargets++;
  });
  if (columns.classification) addClassCounts(stats, assignment, target);
  else addTargetSummaries(stats, assignment, target);
  if (columns.time) addTimeRanges(stats, assignment, columns.time.data, columns.time.info);
  if (columns.group) addGroupCounts(stats, assignment, columns.group);
  return bySplit(stats);
}

function addClassCounts(stats: SplitStats[], assignment: Uint8Array, target: ColumnData): void {
  const { codes, labels } = encodeClasses(target);
  const counts = stats.map(() => new Array<number>(labels.length).fill(0));
  codes.forEach((code, row) => {
    const perClass = counts[assignment[row] ?? 0];
    if (code >= 0 && perClass) perClass[code] = (perClass[code] ?? 0) + 1;
  });
  stats.forEach((s, split) => {
    s.classes = Object.fromEntries(labels.map((label, c) => [label, counts[split]?.[c] ?? 0]));
  });
}

function addTargetSummaries(stats: SplitStats[], assignment: Uint8Array, target: ColumnData): void {
  const values: number[][] = stats.map(() => []);
  if (!('codes' in target)) {
    target.values.forEach((v, row) => {
      if (target.valid[row] && Number.isFinite(v)) values[assignment[row] ?? 0]?.push(v);
    });
  }
  stats.forEach((s, split) => {
    s.target = summarize(values[split] ?? []);
  });
}

function summarize(values: readonly number[]): SplitTargetSummary | null {
  if (values.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  const std = values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : 0;
  return { min, max, mean, std };
}

/** Dates as 2015-03-14; naive timestamps and times without a zone suffix, as DuckDB shows them. */
function timeText(value: number, info: ColumnInfo): string | number {
  if (info.kind !== 'datetime') return value;
  const iso = new Date(value).toISOString();
  if (info.type === 'DATE') return iso.slice(0, 10);
  if (info.type.endsWith('WITH TIME ZONE') && info.type.startsWith('TIMESTAMP')) return iso;
  const naive = iso.replace(/(\.000)?Z$/, '');
  return info.type.startsWith('TIMESTAMP') ? naive : naive.slice(11);
}

function addTimeRanges(
  stats: SplitStats[],
  assignment: Uint8Array,
  time: ColumnData,
  info: ColumnInfo,
): void {
  if ('codes' in time) return;
  const min = stats.map(() => Infinity);
  const max = stats.map(() => -Infinity);
  time.values.forEach((v, row) => {
    const s = assignment[row] ?? 0;
    if (!time.valid[row]) return;
    if (v < (min[s] ?? Infinity)) min[s] = v;
    if (v > (max[s] ?? -Infinity)) max[s] = v;
  });
  stats.forEach((s, split) => {
    const lo = min[split] ?? Infinity;
    const hi = max[split] ?? -Infinity;
    s.timeRange = lo <= hi ? { min: timeText(lo, info), max: timeText(hi, info) } : null;
  });
}

function addGroupCounts(stats: SplitStats[], assignment: Uint8Array, group: ColumnData): void {
  const { codes } = encodeClasses(group);
  const seen = stats.map(() => new Set<number>());
  codes.forEach((code, row) => {
    seen[assignment[row] ?? 0]?.add(code);
  });
  stats.forEach((s, split) => {
    s.groups = seen[split]?.size ?? 0;
  });
}
