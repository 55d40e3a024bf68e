import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/server/csv.js';

const rejects = (text: string) => {
  try {
    parseCsv(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`parseCsv accepted ${JSON.stringify(text)}`);
};

describe('parseCsv (MLflow text/csv)', () => {
  it('reads quoted fields holding commas, quotes and newlines, with CRLF endings', () => {
    expect(parseCsv('a,b\r\n"x, ""y""","1\n2"\r\n3,\r\n')).toEqual({
      columns: ['a', 'b'],
      rows: [
        ['x, "y"', '1\n2'],
        ['3', ''],
      ],
    });
  });

  it('drops a UTF-8 byte order mark before the first header', () => {
    expect(parseCsv('\uFEFFbill,mass\n1,2\n').columns).toEqual(['bill', 'mass']);
  });

  it('keeps a "" row of a one-column CSV as one empty field, and skips blank lines', () => {
    expect(parseCsv('x\n""\n\n1\n').rows).toEqual([[''], ['1']]);
  });

  it('reads CR-only line endings as it reads LF ones', () => {
    expect(parseCsv('a,b\r1,2\r3,4')).toEqual(parseCsv('a,b\n1,2\n3,4'));
    expect(parseCsv('a,b\r1,2\r3,4').rows).toHaveLength(2);
  });

  it('refuses text after a closing quote instead of gluing it on', () => {
    expect(rejects('a\n"1"2\n')).toBe(
      'text/csv: record 1, field 1: text after the closing quote (write a quote inside a quoted field as "")',
    );
  });

  it('refuses an unclosed quote and ragged records', () => {
    expect(rejects('a\n"1\n')).toBe('text/csv: a quoted field is not closed');
    expect(rejects('a,b\n1\n')).toBe('text/csv: record 1 has 1 fields, the header has 2');
    expect(rejects('')).toBe('text/csv: expected a header row and at least one record');
  });
});
