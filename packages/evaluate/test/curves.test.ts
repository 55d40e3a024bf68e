import { type ClassificationInput, type RegressionInput, resolveClassification } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import {
  calibrationCurve,
  classificationCurves,
  downsampleCurve,
  downsampleIndices,
  residualSummary,
  rocCurve,
} from '../src/index.js';
import {
  expectAllClose,
  expectClose,
  predictionsOf,
  reference,
  regressionCase,
  regressionOf,
} from './reference.js';

const withCurves = reference.classification.filter((c) => c.curves.roc);

describe('curves agree with scikit-learn', () => {
  it.each(withCurves.map((c) => [c.name, c] as const))('ROC and precision-recall: %s', (_, c) => {
    const curves = classificationCurves(predictionsOf(c) as ClassificationInput);
    for (const entry of curves.perClass) {
      const roc = c.curves.roc?.[String(entry.class)];
      if (roc === null || roc === undefined) {
        expect(entry.roc).toHaveProperty('undefined');
      } else {
        if (!('curve' in entry.roc)) throw new Error(entry.roc.undefined);
        expectAllClose(entry.roc.curve.fpr, roc.fpr, 'fpr');
        expectAllClose(entry.roc.curve.tpr, roc.tpr, 'tpr');
        expect(entry.roc.curve.thresholds[0]).toBe(Number.POSITIVE_INFINITY);
        expectAllClose(entry.roc.curve.thresholds.slice(1), roc.thresholds_after_first, 'thresholds');
      }
      const pr = c.curves.pr?.[String(entry.class)];
      if (pr === null || pr === undefined) {
        expect(entry.precisionRecall).toHaveProperty('undefined');
      } else {
        if (!('curve' in entry.precisionRecall)) throw new Error(entry.precisionRecall.undefined);
        expectAllClose(entry.precisionRecall.curve.precision, pr.precision, 'precision');
        expectAllClose(entry.precisionRecall.curve.recall, pr.recall, 'recall');
        expectAllClose(entry.precisionRecall.curve.thresholds, pr.thresholds, 'pr thresholds');
      }
    }
  });

  it.each(withCurves.map((c) => [c.name, c] as const))('calibration: %s', (_, c) => {
    for (const [bins, expected] of Object.entries(c.curves.calibration ?? {})) {
      const result = calibrationCurve(
        resolveClassification(predictionsOf(c) as ClassificationInput),
        Number(bins),
      );
      if (!('curve' in result)) throw new Error(result.undefined);
      const { curve } = result;
      expect(curve.of).toBe(c.task === 'binary' ? 'positive-class' : 'top-label');
      expect(curve.edges).toEqual(expected.edges);
      expect(curve.bins.map((b) => b.bin)).toEqual(expected.bin);
      expect(curve.bins.map((b) => b.count)).toEqual(expected.count);
      expectAllClose(
        curve.bins.map((b) => b.fractionPositive),
        expected.fraction_positive,
        'fraction positive',
      );
      expectAllClose(
        curve.bins.map((b) => b.meanPredicted),
        expected.mean_predicted,
        'mean predicted',
      );
    }
  });

  it.each(reference.regression.map((c) => [c.name, c] as const))('residuals: %s', (_, c) => {
    const result = residualSummary(regressionOf(c) as RegressionInput, { quantiles: c.residuals.quantiles });
    if (!('curve' in result)) throw new Error(result.undefined);
    const summary = result.curve;
    expectAllClose(
      summary.quantiles.map((q) => q.value),
      c.residuals.values,
      'quantiles',
    );
    expectClose(summary.mean, c.residuals.mean, 'mean');
    expectClose(summary.std, c.residuals.std, 'std');
    expectAllClose(summary.histogram.edges, c.residuals.histogram_edges, 'edges');
    expect(summary.histogram.counts).toEqual(c.residuals.histogram_counts);
    expect(summary.points.length).toBe(Math.min(100, c.y_true.length));
  });

  it('leaves a ROC curve of a one-class holdout undefined', () => {
    const result = rocCurve({ positive: Uint8Array.from([1, 1]), scores: Float64Array.from([0.2, 0.9]) });
    expect(result).toEqual({ undefined: 'only positive rows in y_true: ROC needs both classes' });
  });
});

describe('downsampling for charts', () => {
  const n = 5000;
  const x = Array.from({ length: n }, (_, i) => i / (n - 1));
  const y = x.map((v) => Math.sqrt(v) + (v > 0.5 && v < 0.5005 ? 0.3 : 0));

  it('keeps at most 100 points, the ends and the spikes', () => {
    const kept = downsampleIndices(x, y);
    expect(kept.length).toBe(100);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(n - 1);
    expect(kept.some((i) => (y[i] as number) - Math.sqrt(x[i] as number) > 0.2)).toBe(true);
    expect([...kept].sort((a, b) => a - b)).toEqual(kept);
  });

  it('keeps the shape: interpolating the kept points stays near the curve', () => {
    const smooth = x.map(Math.sqrt);
    const kept = downsampleIndices(x, smooth, 50);
    let worst = 0;
    for (let j = 0; j + 1 < kept.length; j++) {
      const a = kept[j] as number;
      const b = kept[j + 1] as number;
      for (let i = a; i <= b; i++) {
        const t = (i - a) / Math.max(1, b - a);
        const line = (smooth[a] as number) + t * ((smooth[b] as number) - (smooth[a] as number));
        worst = Math.max(worst, Math.abs(line - (smooth[i] as number)));
      }
    }
    expect(worst).toBeLessThan(0.03);
  });

  it('thins every field of a curve alike, leaving short curves alone', () => {
    const c = reference.classification.find((r) => r.name === 'penguins-sex');
    const curves = classificationCurves(predictionsOf(c as NonNullable<typeof c>) as ClassificationInput);
    const roc = curves.perClass[0]?.roc;
    if (!roc || !('curve' in roc)) throw new Error('expected a ROC curve');
    const thin = downsampleCurve(roc.curve, 'fpr', 'tpr', 10);
    expect(thin.fpr.length).toBe(10);
    expect(thin.thresholds.length).toBe(10);
    expect(thin.auc).toEqual(roc.curve.auc);
    expect(downsampleCurve(roc.curve, 'fpr', 'tpr', 1000)).toEqual(roc.curve);
  });

  it('thins the residual points of a large holdout to 100', () => {
    const big = regressionCase('penguins-body-mass');
    const rows = 40;
    const yTrue = Float64Array.from(
      { length: big.y_true.length * rows },
      (_, i) => big.y_true[i % big.y_true.length] as number,
    );
    const yPred = Float64Array.from(
      { length: yTrue.length },
      (_, i) => big.y_pred[i % big.y_pred.length] as number,
    );
    const result = residualSummary({ yTrue, yPred });
    if (!('curve' in result)) throw new Error(result.undefined);
    expect(result.curve.points.length).toBe(100);
    const predicted = result.curve.points.map((p) => p.predicted);
    expect([...predicted].sort((a, b) => a - b)).toEqual(predicted);
  });
});
