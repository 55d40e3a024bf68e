import { isDeepStrictEqual } from 'node:util';
import { Database, quoteLiteral } from '@modelgate/core';
import { numberFromText } from '@modelgate/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { notANumberSql, numberFromTextSql } from '../../runtime/src/batch/number-text.js';
import { type ByoFixtures, type ByoName, byoFixtures, stampedCopy } from './byo-fixtures.js';
import { json, post, useServer } from './server-fixture.js';

/**
 * Odd text in a numeric feature and what `modelgate predict` makes of it: the number, null for a
 * missing value, or 'refused' (the row is rejected).
 */
const CELLS: [string, number | null | 'refused'][] = [
  ['42', 42],
  ['4.2e1', 42],
  ['1e3 ', 1000],
  [' 1e3', 1000],
  ['\t7\r\n', 7],
  ['+.5', 0.5],
  ['1.', 1],
  ['', null],
  ['   ', null],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['inf', Number.POSITIVE_INFINITY],
  ['-INF', Number.NEGATIVE_INFINITY],
  ['1e400', Number.POSITIVE_INFINITY],
  ['NaN', Number.NaN],
  ['nan', Number.NaN],
  ['TRUE', 1],
  [' false ', 0],
  ['0x10', 'refused'],
  ['0b101', 'refused'],
  ['0o7', 'refused'],
  ['1_000', 'refused'],
  ['1,5', 'refused'],
  ['abc', 'refused'],
  ['n/a', 'refused'],
  ['\u00a042', 'refused'],
  ['1e', 'refused'],
  ['.', 'refused'],
  ['- 1', 'refused'],
  ['Infinityx', 'refused'],
];

/** The text quoted, with anything outside printable ASCII escaped (a no-break space shows as \u00a0). */
const show = (text: string) =>
  JSON.stringify(text).replace(/[^ -~]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe("modelgate predict's rule for text in a numeric feature", () => {
  let db: Database;
  beforeAll(async () => {
    db = await Database.open();
  });
  afterAll(() => db.close());

  it('reads each cell as the table says, in DuckDB (predict) and in JavaScript (numberFromText)', async () => {
    for (const [text, expected] of CELLS) {
      const cell = quoteLiteral(text);
      const row = await db.first<{ value: number | null; refused: boolean }>(
        `SELECT ${numberFromTextSql(cell)} AS value, ${notANumberSql(cell)} AS refused`,
      );
      expect(row.refused ? 'refused' : row.value, `predict on ${show(text)}`).toEqual(expected);
      const js = numberFromText(text);
      expect(js === undefined ? 'refused' : js, `numberFromText(${show(text)})`).toEqual(expected);
    }
  });
});

const temp = useTempDir('serve-number-rule');
let fixtures: ByoFixtures;
// One model packed into a [N, F] input (read by the split fast path and the per-feature path), one
// taking an input per feature.
const MODELS: ByoName[] = ['packed-probabilities', 'columns-label-int'];

beforeAll(async () => {
  fixtures = await byoFixtures();
  for (const name of MODELS) await stampedCopy(temp.path('models'), name, fixtures.models[name]);
});

// /invocations scores a server's first model: one server per model.
const servers = MODELS.map((name) =>
  useServer(() => ({ models: [temp.path('models', `${name}.onnx`)], port: 0, workers: 1 })),
);

/** A JSON literal that JSON.parse reads as the number (1e400 for infinity): the request for the same value. */
function jsonLiteral(value: number | null): string {
  if (value === null || Number.isNaN(value)) return 'null';
  if (value === Number.POSITIVE_INFINITY) return '1e400';
  if (value === Number.NEGATIVE_INFINITY) return '-1e400';
  return JSON.stringify(value);
}

async function answer(response: Response): Promise<{ status: number; body: unknown }> {
  return { status: response.status, body: await json(response) };
}

describe('modelgate serve reads text in a numeric feature by the same rule', () => {
  it.each(MODELS.map((name, i) => [name, i] as const))(
    '%s: CSV cells and MLflow string cells score or are refused as predict does',
    async (name, i) => {
      const url = `${(servers[i] as () => { url: string })().url}/invocations`;
      const columns = fixtures.models[name].features;
      const target = columns[1] as string;
      const row = fixtures.rows.find((r) => columns.every((c) => typeof r[c] === 'number'));
      if (!row) throw new Error('no complete row in the fixture');
      const values = (cell: unknown) => columns.map((c) => (c === target ? cell : row[c]));
      const csvField = (v: unknown) => `"${String(v).replaceAll('"', '""')}"`;
      const prefix = (text: string) =>
        `input '${target}': element 0 is '${text}', expected a number or null (FP`;
      const want: string[] = [];
      const got: string[] = [];
      for (const [text, expected] of CELLS) {
        const csv = `${columns.map(csvField).join(',')}\n${values(text).map(csvField).join(',')}\n`;
        const record = Object.fromEntries(columns.map((c, j) => [c, values(text)[j]]));
        const requests: [string, Promise<Response>][] = [
          ['text/csv', post(url, csv, { 'content-type': 'text/csv' })],
          ['dataframe_split', post(url, { dataframe_split: { columns, data: [values(text)] } })],
          ['dataframe_records', post(url, { dataframe_records: [record] })],
        ];
        // The reference: the same row with the value predict reads, as a JSON number (null when missing).
        const split = JSON.stringify({ dataframe_split: { columns, data: [values('CELL')] } });
        const reference =
          expected === 'refused'
            ? undefined
            : await answer(await post(url, split.replace('"CELL"', jsonLiteral(expected))));
        for (const [form, request] of requests) {
          const { status, body } = await answer(await request);
          const error = (body as { error?: string }).error ?? '';
          const verdict =
            status === 400 && error.startsWith(prefix(text)) && !error.includes('\n')
              ? 'refused'
              : reference && status === reference.status && isDeepStrictEqual(body, reference.body)
                ? 'read as predict reads it'
                : `${status} ${JSON.stringify(body)}`;
          got.push(`${form} ${show(text)}: ${verdict}`);
          want.push(
            `${form} ${show(text)}: ${expected === 'refused' ? 'refused' : 'read as predict reads it'}`,
          );
        }
      }
      expect(got).toEqual(want);
    },
  );
});
