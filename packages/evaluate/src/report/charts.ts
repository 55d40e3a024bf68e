import type { CalibrationCurve } from '../curves/calibration.js';
import type { ResidualSummary } from '../curves/residuals.js';
import type {
  ClassCurvesJson,
  EvaluationDocument,
  ModelEntry,
  PrecisionRecallJson,
  RocJson,
} from '../evaluate/document.js';
import { formatNumber } from '../gate/format.js';

export type SeriesRole = 'challenger' | 'champion' | 'reference';

export interface ChartSeries {
  name: string;
  role: SeriesRole;
  kind: 'line' | 'bar';
  /** One value per x position (evenly spaced over the range, or one per category). */
  values: number[];
}

/** A chart both renderers can draw: Mermaid's xychart needs evenly spaced x, so every series is on one grid. */
export interface Chart {
  title: string;
  x: { label: string; range: [number, number] } | { label: string; categories: string[] };
  y: { label: string; range: [number, number] };
  series: ChartSeries[];
}

const GRID_POINTS = 21;
export const UNIT_GRID = Array.from({ length: GRID_POINTS }, (_, i) => i / (GRID_POINTS - 1));

/** y at each grid x on the polyline (xs ascending); on a vertical jump the highest point counts. */
export function interpolate(xs: readonly number[], ys: readonly number[], grid: readonly number[]): number[] {
  return grid.map((g) => {
    let best = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < xs.length; i++) {
      const x0 = xs[i] as number;
      const y0 = ys[i] as number;
      if (x0 === g) best = Math.max(best, y0);
      const x1 = xs[i + 1];
      const y1 = ys[i + 1];
      if (x1 !== undefined && y1 !== undefined && x0 < g && g < x1) {
        best = Math.max(best, y0 + ((y1 - y0) * (g - x0)) / (x1 - x0));
      }
    }
    return Number.isFinite(best) ? best : 0;
  });
}

/** The precision a reader can reach at recall ≥ r: the usual interpolated precision-recall curve. */
export function interpolatedPrecision(pr: PrecisionRecallJson, grid: readonly number[]): number[] {
  return grid.map((r) => {
    let best = 0;
    pr.recall.forEach((recall, i) => {
      if (recall >= r - 1e-12) best = Math.max(best, pr.precision[i] as number);
    });
    return best;
  });
}

const defined = <T>(curve: T | { undefined: string }): curve is T =>
  typeof curve === 'object' && curve !== null && !('undefined' in curve);

function mean(rows: number[][]): number[] {
  return UNIT_GRID.map((_, j) => rows.reduce((s, r) => s + (r[j] as number), 0) / rows.length);
}

function classCurves(model: ModelEntry): ClassCurvesJson[] {
  return model.curves.kind === 'classification' ? model.curves.perClass : [];
}

/** Binary: the positive class's curve; multiclass: the macro average over classes with a curve. */
function averaged<T>(
  model: ModelEntry,
  pick: (c: ClassCurvesJson) => T | { undefined: string },
  sample: (curve: T) => number[],
): number[] | undefined {
  const rows = classCurves(model)
    .map(pick)
    .filter(defined)
    .map((curve) => sample(curve as T));
  return rows.length > 0 ? mean(rows) : undefined;
}

function models(doc: EvaluationDocument): [ModelEntry, SeriesRole][] {
  return doc.champion
    ? [
        [doc.challenger, 'challenger'],
        [doc.champion, 'champion'],
      ]
    : [[doc.challenger, 'challenger']];
}

function seriesOf(
  doc: EvaluationDocument,
  values: (model: ModelEntry) => number[] | undefined,
): ChartSeries[] {
  return models(doc).flatMap(([model, role]) => {
    const v = values(model);
    return v ? [{ name: role, role, kind: 'line' as const, values: v }] : [];
  });
}

function averageNote(doc: EvaluationDocument): string {
  return doc.task === 'multiclass' ? ' (macro average over classes)' : '';
}

function rocChart(doc: EvaluationDocument): Chart | undefined {
  const series = seriesOf(doc, (m) =>
    averaged<RocJson>(
      m,
      (c) => c.roc,
      (roc) => interpolate(roc.fpr, roc.tpr, UNIT_GRID),
    ),
  );
  if (series.length === 0) return undefined;
  return {
    title: `ROC curve${averageNote(doc)}`,
    x: { label: 'false positive rate', range: [0, 1] },
    y: { label: 'true positive rate', range: [0, 1] },
    series: [...series, { name: 'chance', role: 'reference', kind: 'line', values: [...UNIT_GRID] }],
  };
}

function precisionRecallChart(doc: EvaluationDocument): Chart | undefined {
  const series = seriesOf(doc, (m) =>
    averaged<PrecisionRecallJson>(
      m,
      (c) => c.precisionRecall,
      (pr) => interpolatedPrecision(pr, UNIT_GRID),
    ),
  );
  if (series.length === 0) return undefined;
  return {
    title: `Precision-recall curve, interpolated${averageNote(doc)}`,
    x: { label: 'recall', range: [0, 1] },
    y: { label: 'precision', range: [0, 1] },
    series,
  };
}

function calibrationOf(model: ModelEntry): CalibrationCurve | undefined {
  return model.curves.kind === 'classification' && defined(model.curves.calibration)
    ? model.curves.calibration
    : undefined;
}

/** Bins empty for a model cannot be drawn on Mermaid's shared x axis: the chart keeps the bins every model fills. */
function calibrationChart(doc: EvaluationDocument): Chart | undefined {
  const curves = models(doc)
    .map(([model, role]) => [calibrationOf(model), role] as const)
    .filter((entry): entry is [CalibrationCurve, SeriesRole] => entry[0] !== undefined);
  const [first] = curves;
  if (!first) return undefined;
  const shared = first[0].bins
    .map((b) => b.bin)
    .filter((bin) => curves.every(([curve]) => curve.bins.some((b) => b.bin === bin)));
  if (shared.length < 2) return undefined;
  const edges = first[0].edges;
  const middle = (bin: number) => ((edges[bin] as number) + (edges[bin + 1] as number)) / 2;
  const series: ChartSeries[] = curves.map(([curve, role]) => ({
    name: role,
    role,
    kind: 'line',
    values: shared.map((bin) => curve.bins.find((b) => b.bin === bin)?.fractionPositive ?? 0),
  }));
  return {
    title:
      first[0].of === 'positive-class'
        ? 'Calibration: observed positive rate per predicted-probability bin'
        : 'Calibration: accuracy per top-label confidence bin',
    x: {
      label: 'predicted probability (bin middle)',
      categories: shared.map((b) => formatNumber(middle(b))),
    },
    y: { label: first[0].of === 'positive-class' ? 'observed positive rate' : 'accuracy', range: [0, 1] },
    series: [
      ...series,
      { name: 'perfectly calibrated', role: 'reference', kind: 'line', values: shared.map(middle) },
    ],
  };
}

function residualsOf(model: ModelEntry): ResidualSummary | undefined {
  return model.curves.kind === 'regression' && defined(model.curves.residuals)
    ? model.curves.residuals
    : undefined;
}

/** Bounds a little wider than the values, on round numbers. */
export function niceRange(values: readonly number[]): [number, number] {
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (!Number.isFinite(low) || !Number.isFinite(high)) return [0, 1];
  if (low === high) {
    low -= 1;
    high += 1;
  }
  const step = 10 ** Math.floor(Math.log10(high - low));
  return [Math.floor(low / step) * step, Math.ceil(high / step) * step];
}

function residualQuantileChart(doc: EvaluationDocument): Chart | undefined {
  const series = seriesOf(doc, (m) => residualsOf(m)?.quantiles.map((q) => q.value));
  const first = residualsOf(doc.challenger);
  if (!first || series.length === 0) return undefined;
  const zero = first.quantiles.map(() => 0);
  return {
    title: 'Residual quantiles (y - prediction)',
    x: { label: 'quantile', categories: first.quantiles.map((q) => `p${formatNumber(q.q * 100)}`) },
    y: { label: 'residual', range: niceRange(series.flatMap((s) => s.values).concat(0)) },
    series: [...series, { name: 'zero', role: 'reference', kind: 'line', values: zero }],
  };
}

function residualHistogramChart(doc: EvaluationDocument): Chart | undefined {
  const residuals = residualsOf(doc.challenger);
  if (!residuals) return undefined;
  const { edges, counts } = residuals.histogram;
  return {
    title: "Challenger's residuals (y - prediction)",
    x: {
      label: 'residual (bin middle)',
      categories: counts.map((_, i) => formatNumber(((edges[i] as number) + (edges[i + 1] as number)) / 2)),
    },
    y: { label: 'rows', range: [0, niceRange([0, ...counts])[1]] },
    series: [{ name: 'challenger', role: 'challenger', kind: 'bar', values: counts }],
  };
}

/** ROC, precision-recall and calibration for classifiers; residuals for regressors. */
export function evaluationCharts(doc: EvaluationDocument): Chart[] {
  const charts =
    doc.task === 'regression'
      ? [residualQuantileChart(doc), residualHistogramChart(doc)]
      : [rocChart(doc), precisionRecallChart(doc), calibrationChart(doc)];
  return charts.filter((c): c is Chart => c !== undefined);
}
