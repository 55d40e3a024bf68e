import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/index.js';
import { expectUserError } from './fixtures.js';

const head = (task = 'multiclass') => `model: p\ntask: ${task}\ntarget: species\ndata: x.csv\n`;

describe('gate: in modelgate.yaml', () => {
  it('is absent (the default gate applies), none, or rules', () => {
    expect(parseConfig(head()).gate).toBeUndefined();
    expect(parseConfig(`${head()}gate: none\n`).gate).toBe('none');
    expect(parseConfig(`${head()}gate:\n  accuracy: {non_inferiority: 0.01, min: 0.5}\n`).gate).toEqual({
      accuracy: { non_inferiority: 0.01, min: 0.5 },
    });
    expect(
      parseConfig(`${head('regression')}gate:\n  r2: {non_inferiority: 2}\n  rmse: {non_inferiority: 40}\n`)
        .gate,
    ).toEqual({
      r2: { non_inferiority: 2 },
      rmse: { non_inferiority: 40 },
    });
  });

  it.each([
    [
      'a negative margin',
      `${head()}gate:\n  accuracy: {non_inferiority: -0.01}\n`,
      /^m\.yaml:6:31: gate\.accuracy\.non_inferiority: expected a margin >= 0, in the metric's own units, got -0\.01$/,
    ],
    [
      'a margin beyond the metric’s range',
      `${head()}gate:\n  roc_auc: {non_inferiority: 1.5}\n`,
      /^m\.yaml:6:30: gate\.roc_auc\.non_inferiority: expected a margin from 0 to 1 in roc_auc's units \(its whole range is \[0, 1\]; 0\.01 = one point\), got 1\.5$/,
    ],
    [
      'a metric the task does not have',
      `${head()}gate:\n  rmse: {max: 3}\n`,
      /^m\.yaml:6:9: gate\.rmse: rmse is a regression metric, and this is a multiclass model \(gate one of accuracy, .*, or a cost metric\), got \{"max":3\}$/,
    ],
    [
      'a classification metric on a regression model',
      `${head('regression')}gate:\n  accuracy: {non_inferiority: 0.01}\n`,
      /^m\.yaml:6:13: gate\.accuracy: accuracy is a classification metric, and this is a regression model \(gate one of mae, rmse, r2, mape, median_absolute_error, or a cost metric\)/,
    ],
    [
      'non_inferiority on a metric without paired rows',
      `${head()}gate:\n  model_size_mb: {non_inferiority: 0.5}\n`,
      /^m\.yaml:6:36: gate\.model_size_mb\.non_inferiority: model_size_mb is one measurement per model, with no paired rows to put an interval on; use max or min_improvement instead, got 0\.5$/,
    ],
    [
      'non_inferiority on a timing',
      `${head()}gate:\n  latency_p99_ms: {non_inferiority: 1}\n`,
      /^m\.yaml:6:37: gate\.latency_p99_ms\.non_inferiority: .* use max instead, got 1$/,
    ],
    [
      'a bad number inside a rule',
      `${head()}gate:\n  accuracy: {min: "x"}\n`,
      /^m\.yaml:6:19: gate\.accuracy\.min: Invalid input: expected number/,
    ],
    [
      'neither none nor rules',
      `${head()}gate: off\n`,
      /^m\.yaml:5:7: gate: expected 'none' or a map of metric: rules, got "off"$/,
    ],
    [
      'a floor no model can reach',
      `${head()}gate:\n  accuracy: {min: 1.2}\n`,
      /^m\.yaml:6:19: gate\.accuracy\.min: expected at most 1: accuracy never exceeds 1, so no model could pass, got 1\.2$/,
    ],
  ])('names file, line and column for %s', async (_name, text, expected) => {
    await expectUserError(() => parseConfig(text, 'm.yaml'), expected);
  });
});
