import { badRequest } from './http-error.js';

/** RFC 4180 CSV: a header row, then records; quoted fields may hold commas, quotes and newlines. */
export function parseCsv(text: string): { columns: string[]; rows: string[][] } {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let i = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') endRecord();
    else if (c !== '\r') field += c;
    i++;
  }
  if (quoted) throw badRequest('text/csv: a quoted field is not closed');
  if (field !== '' || record.length > 0) endRecord();
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
