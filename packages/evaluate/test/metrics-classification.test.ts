import {
  CLASSIFICATION_METRICS,
  classificationMetric,
  classificationReport,
  computeMetric,
  computeMetrics,
  dtypeEpsilon,
  resolveClassification,
} from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { classificationCase, expectClose, expectMetric, predictionsOf, reference } from './reference.js';

const CORE_NAMES = CLASSIFICATION_METRICS;

describe('classification metrics agree with scikit-learn', () => {
  it.each(reference.classification.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const report = classificationReport(predictionsOf(c), { eceBins: c.ece_bins });
    for (const [name, expected] of Object.entries(c.expected)) {
      expectMetric(report.metrics[name as keyof typeof report.metrics], expected, `${c.name} ${name}`);
    }
    if (!c.y_prob) {
      for (const name of ['roc_auc', 'average_precision', 'log_loss', 'brier', 'ece'] as const) {
        expect(report.metrics[name]).toEqual({
          undefined: 'the model gives labels only, no class probabilities',
        });
      }
    }
    expect(report.confusionMatrix).toEqual(c.confusion_matrix);
    c.per_class.forEach((expected, k) => {
      const got = report.perClass[k];
      expect(got?.name).toBe(c.classes[k]);
      expect(got?.support).toBe(expected.support);
      expect(got?.predicted).toBe(expected.predicted);
      expectClose(got?.precision, expected.precision, `${c.name} precision[${k}]`);
      expectClose(got?.recall, expected.recall, `${c.name} recall[${k}]`);
      expectClose(got?.f1, expected.f1, `${c.name} f1[${k}]`);
      if (expected.roc_auc !== undefined) expectMetric(got?.rocAuc, expected.roc_auc, `${c.name} auc[${k}]`);
      if (expected.average_precision !== undefined) {
        expectMetric(got?.averagePrecision, expected.average_precision, `${c.name} ap[${k}]`);
      }
    });
  });

  it('gives each gateable metric by its config name, the same as the report', () => {
    const c = classificationCase('penguins-species');
    const predictions = predictionsOf(c);
    const all = computeMetrics(predictions);
    expect(Object.keys(all)).toEqual([...CORE_NAMES]);
    for (const name of CORE_NAMES) {
      expectMetric(computeMetric(name, predictions), c.expected[name] ?? null, name);
      expect(all[name]).toEqual(classificationMetric(name, predictions));
    }
  });

  it('uses the labels the model gives when it gives them', () => {
    const c = classificationCase('penguins-species');
    const labels = Int32Array.from(c.y_true); // a model whose labels are always right
    const predictions = { ...predictionsOf(c), yPred: labels };
    expect(computeMetric('accuracy', predictions)).toEqual({ value: 1 });
    // probability metrics still read the probabilities
    expectMetric(computeMetric('log_loss', predictions), c.expected.log_loss ?? null);
  });

  it('says why a metric is undefined instead of returning NaN', () => {
    const missing = computeMetric(
      'roc_auc',
      predictionsOf(classificationCase('penguins-species-missing-class')),
    );
    expect(missing).toEqual({
      undefined: 'Chinstrap has no rows in y_true: one-vs-rest ROC AUC needs every class',
    });
    const negatives = computeMetric('roc_auc', predictionsOf(classificationCase('one-class-negative')));
    expect(negatives).toEqual({ undefined: 'only negative rows in y_true: ROC needs both classes' });
    const ap = computeMetric('average_precision', predictionsOf(classificationCase('one-class-negative')));
    expect(ap).toEqual({ undefined: 'no positive rows in y_true: recall is undefined' });
    const empty = {
      task: 'binary' as const,
      yTrue: new Int32Array(0),
      classes: 2,
      probabilities: new Float64Array(0),
    };
    for (const name of CORE_NAMES) expect(computeMetric(name, empty)).toEqual({ undefined: 'no rows' });
    const nan = {
      ...empty,
      yTrue: Int32Array.from([0, 1]),
      probabilities: Float64Array.from([0.5, 0.5, Number.NaN, 1]),
    };
    expect(computeMetric('log_loss', nan)).toEqual({ undefined: 'the probabilities contain NaN (row 1)' });
    expect(computeMetric('rmse', nan)).toEqual({ undefined: 'rmse is a regression metric' });
    expect(computeMetric('latency_p99_ms', nan)).toHaveProperty('undefined');
  });

  it('clips log loss at the epsilon of the probabilities float type', () => {
    expect(dtypeEpsilon(new Float32Array(1))).toBe(1.1920928955078125e-7);
    expect(dtypeEpsilon(new Float64Array(1))).toBe(2.220446049250313e-16);
    const sure = { task: 'binary' as const, yTrue: Int32Array.from([1]), classes: 2 };
    const wrong64 = computeMetric('log_loss', { ...sure, probabilities: Float64Array.from([1, 0]) });
    const wrong32 = computeMetric('log_loss', { ...sure, probabilities: Float32Array.from([1, 0]) });
    expectMetric(wrong64, -Math.log(2 ** -52));
    expectMetric(wrong32, -Math.log(2 ** -23));
  });

  it('rejects inputs whose shapes do not match', () => {
    const c = predictionsOf(classificationCase('penguins-sex'));
    expect(() => resolveClassification({ ...c, yTrue: c.yTrue.subarray(1) })).toThrow(/probabilities has/);
    expect(() => resolveClassification({ ...c, yPred: Int32Array.from([5]) })).toThrow(/yPred has 1 rows/);
    expect(() =>
      resolveClassification({ yTrue: Int32Array.from([2]), classes: 2, yPred: Int32Array.from([0]) }),
    ).toThrow(/yTrue\[0\] = 2/);
  });
});
