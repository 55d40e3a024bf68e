// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the GitHub expression a value must not become.
import { describe, expect, it } from 'vitest';
import { oneLine, quote } from '../src/index.js';

describe('messages that repeat what the user gave', () => {
  it('quote a value JSON-style, so quotes, newlines and control characters stay visible', () => {
    expect(quote('churn')).toBe('"churn"');
    expect(quote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(quote('a\nb\r\tc\u0000\u001b[31m')).toBe('"a\\nb\\r\\tc\\u0000\\u001b[31m"');
    expect(quote('$(id) `id` ${{ secrets.X }}')).toBe('"$(id) `id` ${{ secrets.X }}"');
  });

  it('escape what JSON leaves raw but a terminal breaks or reorders: C1, U+2028/9, bidi controls', () => {
    expect(quote('a\u0085b\u2028c\u2029d\u202ee\u2066f')).toBe('"a\\u0085b\\u2028c\\u2029d\\u202ee\\u2066f"');
  });

  it('cut a long value, counting characters, not UTF-16 units', () => {
    expect(quote('x'.repeat(300))).toBe(`"${'x'.repeat(119)}…"`);
    expect(quote('😀'.repeat(10), 5)).toBe(`"${'😀'.repeat(4)}…"`);
  });

  it('put any text on one line, leaving printable text (and backslashes) as it is', () => {
    expect(oneLine('C:\\data\\x.csv: line 1\nline 2\r\n')).toBe('C:\\data\\x.csv: line 1\\nline 2\\r\\n');
    expect(oneLine('café ✓ — ok')).toBe('café ✓ — ok');
  });
});
