import type { OutlierRule } from '../anomaly/outlier-rules.js';
import type { ColumnDrift, DriftReport, DriftStatus } from '../drift/types.js';
import type { MonitoredColumn, OutlierSummary, SeriesReport } from '../report/types.js';

/**
 * How far past its threshold a tested column is, 1 at the threshold: the
 * statistic over the threshold for distances, log p over log threshold for
 * p-values (p = 1e-10 against 0.05 is about 7.7).
 */
export function severityOf(column: ColumnDrift): number {
  const { statistic, threshold } = column;
  if (statistic === null || threshold === null) return 0;
  if (!(column.status === 'drift' || column.status === 'stable')) return 0;
  const p = column.adjustedPValue ?? column.pValue;
  if (p !== undefined) return Math.log(Math.max(p, Number.MIN_VALUE)) / Math.log(threshold);
  return statistic / threshold;
}

/** Drift first, then what a person should look at (a missing column, a changed kind), the calm last. */
const RANK: Record<DriftStatus, number> = {
  drift: 0,
  missing: 1,
  skipped: 2,
  too_small: 3,
  stable: 4,
  constant: 5,
};

function rank(c: MonitoredColumn): number {
  if (c.status === 'skipped' && !c.detail.startsWith('kind changed')) return 6;
  return RANK[c.status];
}

export function bySeverity(a: MonitoredColumn, b: MonitoredColumn): number {
  return (
    Number(b.drifted) - Number(a.drifted) ||
    Number(b.anomalies > 0) - Number(a.anomalies > 0) ||
    rank(a) - rank(b) ||
    b.severity - a.severity ||
    a.column.localeCompare(b.column)
  );
}

function summarise(
  c: ColumnDrift,
  role: MonitoredColumn['role'],
  chunks: readonly DriftReport[],
  series: readonly SeriesReport[],
  outliers: { rule: OutlierRule; share: number | null } | undefined,
): MonitoredColumn {
  const { source: _source, reference, current, ...rest } = c;
  const inChunks = chunks.flatMap((r) => r.columns.filter((x) => x.column === c.column));
  const tested = inChunks.filter((x) => x.status === 'drift' || x.status === 'stable');
  const sameMethod = tested.filter((x) => x.method === c.method && x.statistic !== null);
  return {
    ...rest,
    role,
    severity: severityOf(c),
    reference: { rows: reference.rows, count: reference.count },
    current: current ? { rows: current.rows, count: current.count } : null,
    chunks: {
      tested: tested.length,
      drifted: tested.filter((x) => x.drifted).length,
      maxStatistic: sameMethod.length > 0 ? Math.max(...sameMethod.map((x) => x.statistic as number)) : null,
    },
    outliers: outliers
      ? {
          lower: outliers.rule.lower,
          upper: outliers.rule.upper,
          referenceShare: outliers.rule.referenceShare,
          share: outliers.share,
        }
      : null,
    anomalies: series
      .filter((s) => s.kind === 'column_drift' && s.column === c.column)
      .reduce((n, s) => n + s.anomalies.length, 0),
  };
}

/** The per-column table: every feature of the window (and the target when tested), most severe first. */
export function monitoredColumns(
  window: DriftReport,
  target: ColumnDrift | null,
  chunks: readonly DriftReport[],
  series: readonly SeriesReport[],
  rules: readonly OutlierRule[],
  outliers: OutlierSummary | null,
): MonitoredColumn[] {
  const ruleOf = new Map(rules.map((r) => [r.column, r]));
  const outlierOf = (name: string) => {
    const rule = ruleOf.get(name);
    if (!rule) return undefined;
    const column = window.columns.find((c) => c.column === name);
    const count = outliers?.columns[name];
    const values = column?.current?.count ?? 0;
    return { rule, share: count === undefined || values === 0 ? null : count / values };
  };
  const rows = window.columns.map((c) => summarise(c, 'feature', chunks, series, outlierOf(c.column)));
  if (target) rows.push(summarise(target, 'target', [], [], undefined));
  return rows.sort(bySeverity);
}
