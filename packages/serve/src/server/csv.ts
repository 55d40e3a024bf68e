import { badRequest } from './http-error.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;

const recordName = (index: number) => (index === 0 ? 'the header' : `record ${index}`);

/**
 * RFC 4180 CSV: a header row, then records; quoted fields may hold commas, quotes and newlines.
 * Lines end in LF, CRLF or CR alone; a leading UTF-8 byte order mark is not part of the header; blank
 * lines are skipped, but a line holding `""` is a record with one empty field.
 */
export function parseCsv(body: string): { columns: string[]; rows: string[][] } {
  const text = body.charCodeAt(0) === BOM ? body.slice(1) : body;
  const n = text.length;
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (record.length === 0 && (c === LF || c === CR)) {
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      continue;
    }
    if (c === QUOTE) {
      let field = '';
      let start = i + 1;
      for (;;) {
        const close = text.indexOf('"', start);
        if (close === -1) throw badRequest('text/csv: a quoted field is not closed');
        field += text.slice(start, close);
        if (text.charCodeAt(close + 1) !== QUOTE) {
          i = close + 1;
          break;
        }
        field += '"';
        start = close + 2;
      }
      record.push(field);
      c = text.charCodeAt(i);
      if (i < n && c !== COMMA && c !== LF && c !== CR) {
        throw badRequest(
          `text/csv: ${recordName(records.length)}, field ${record.length}: text after the closing quote (write a quote inside a quoted field as "")`,
        );
      }
    } else {
      let end = i;
      for (; end < n; end++) {
        c = text.charCodeAt(end);
        if (c === COMMA || c === LF || c === CR) break;
      }
      record.push(text.slice(i, end));
      i = end;
    }
    if (i < n && c === COMMA) {
      i++;
      // A comma at the very end leaves one empty field after it.
      if (i === n) record.push('');
      else continue;
    }
    if (c === CR && text.charCodeAt(i + 1) === LF) i++;
    i++;
    records.push(record);
    record = [];
  }
  const [columns, ...rows] = records;
  if (!columns) throw badRequest('text/csv: expected a header row and at least one record');
  rows.forEach((row, r) => {
    if (row.length !== columns.length) {
      throw badRequest(
        `text/csv: record ${r + 1} has ${row.length} fields, the header has ${columns.length}`,
      );
    }
  });
  return { columns, rows };
}
