import { describe, expect, it } from 'vitest';
import { agreementPercent } from '../src/compare/markdown.js';

describe('agreement in the comparison report', () => {
  it('shows any disagreement: 173 of 174 rows is not a rounded 99% or 100%', () => {
    expect(agreementPercent(173 / 174)).toBe('99.43%');
    expect(agreementPercent(9_999 / 10_000)).toBe('99.990%');
    expect(agreementPercent(1)).toBe('100%');
    expect(agreementPercent(0.95)).toBe('95.0%');
    expect(agreementPercent(0.5)).toBe('50%');
  });
});
