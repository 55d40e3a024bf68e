import { readdir, readFile } from 'node:fs/promises';
import { quoteLiteral, type Row, toNumber } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { expectUserError, useDatabase, useTempDir } from '../../core/test/fixtures.js';
import { createSession, predictBatch, runOnColumns } from '../src/index.js';
import {
  CARS,
  fileRows,
  nullIntolerantClassifier,
  PENGUINS,
  referenceSet,
  type TrainedModel,
  trainedModel,
} from './batch-fixtures.js';

const db = useDatabase();
const temp = useTempDir('batch');

async function reference(model: TrainedModel, rows: readonly Row[]) {
  const session = await createSession(model.bytes);
  return runOnColumns(session, model.spec, referenceSet(rows, model.spec));
}

const batchModel = (m: TrainedModel, label = 'model') => ({ bytes: m.bytes, label, spec: m.spec });

async function readOutput(path: string): Promise<Row[]> {
  return db().rows(`SELECT * FROM ${quoteLiteral(path)}`);
}

describe('predictBatch', () => {
  it('scores a classifier like in-process onnxruntime, in order, in every output format', async () => {
    const model = await trainedModel(db(), temp.path('penguins'), 'classifier');
    const rows = await fileRows(db(), PENGUINS);
    const expected = await reference(model, rows);
    const classes = model.spec.classes ?? [];
    for (const [name, workers] of [
      ['out.parquet', 2],
      ['out.csv', 0],
      ['out.jsonl', 1],
    ] as const) {
      const output = temp.path(name);
      const result = await predictBatch(db(), {
        model: batchModel(model),
        input: { path: PENGUINS },
        output,
        ids: ['Island'],
        workers,
        chunkRows: 50,
      });
      expect(result).toMatchObject({ rows: 344, scored: 344, rejected: 0, failed: false, workers });
      expect(result.columns).toEqual(['row', 'Island', 'label', ...classes.map((c) => `probability_${c}`)]);
      const written = await readOutput(output);
      expect(written.map((r) => toNumber(r.row))).toEqual(rows.map((_, i) => i + 1));
      written.forEach((r, i) => {
        expect(r.Island).toBe(rows[i]?.Island);
        expect(r.label).toBe(classes[expected.label?.[i] as number]);
        classes.forEach((c, j) => {
          const p = expected.probabilities?.[i * classes.length + j] as number;
          expect(toNumber(r[`probability_${c}`])).toBeCloseTo(p, 6);
        });
      });
    }
    const text = await readFile(temp.path('out.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe(`row,Island,label,${classes.map((c) => `probability_${c}`).join(',')}`);
  });

  it('scores a regressor like in-process onnxruntime', async () => {
    const model = await trainedModel(db(), temp.path('cars'), 'regressor');
    const rows = await fileRows(db(), CARS);
    const expected = await reference(model, rows);
    const output = temp.path('cars.parquet');
    const result = await predictBatch(db(), {
      model: batchModel(model),
      input: { path: CARS },
      output,
      ids: ['Name'],
      workers: 2,
      chunkRows: 64,
    });
    expect(result).toMatchObject({ rows: rows.length, scored: rows.length, rejected: 0 });
    const written = await readOutput(output);
    expect(written).toHaveLength(rows.length);
    written.forEach((r, i) => {
      expect(r.Name).toBe(rows[i]?.Name);
      expect(toNumber(r.prediction)).toBeCloseTo(expected.prediction?.[i] as number, 5);
    });
  });

  it('rejects rows the model cannot score with their row numbers, or fails leaving no output', async () => {
    const model = nullIntolerantClassifier();
    const rows = await fileRows(db(), PENGUINS);
    const numeric = model.spec.features.filter((f) => f.kind === 'numeric').map((f) => f.name);
    const withNulls = rows.flatMap((r, i) => (numeric.some((n) => r[n] === null) ? [i + 1] : []));
    expect(withNulls.length).toBeGreaterThan(0);
    const output = temp.path('logistic', 'scores.csv');
    const result = await predictBatch(db(), {
      model: batchModel(model),
      input: { path: PENGUINS },
      output,
      onError: 'reject',
      workers: 1,
      chunkRows: 100,
    });
    expect(result.rejected).toBe(withNulls.length);
    expect(result.scored).toBe(rows.length - withNulls.length);
    expect(result.rejectPath).toBe(temp.path('logistic', 'scores.rejects.csv'));
    const rejects = await readOutput(result.rejectPath as string);
    expect(rejects.map((r) => toNumber(r.row))).toEqual(withNulls);
    expect(String(rejects[0]?.reason)).toMatch(/^the model cannot score a missing value in '/);
    const scored = await readOutput(output);
    expect(scored.map((r) => toNumber(r.row))).toEqual(
      rows.map((_, i) => i + 1).filter((row) => !withNulls.includes(row)),
    );

    const failed = temp.path('fail', 'scores.parquet');
    const stopped = await predictBatch(db(), {
      model: batchModel(model),
      input: { path: PENGUINS },
      output: failed,
      workers: 0,
    });
    expect(stopped.failed).toBe(true);
    expect(stopped.firstRejects.map((r) => r.row)).toEqual(withNulls.slice(0, 20));
    expect(await readdir(temp.path('fail'))).toEqual([]);
  });

  it('rejects text in a numeric column with the value and row, far into a large CSV', async () => {
    const model = await trainedModel(db(), temp.path('penguins-text'), 'classifier');
    // Past DuckDB's 20,480-row type sniffing sample: a typo there must reject its row, not stop the read.
    const typo = temp.path('typo.csv');
    await db().run(
      `COPY (SELECT * EXCLUDE (i) REPLACE (CASE WHEN i = 25000 THEN 'n/a' ELSE CAST("Beak Length (mm)" AS VARCHAR) END AS "Beak Length (mm)")
        FROM (SELECT row_number() OVER () AS i, p.* FROM range(100) r, ${quoteLiteral(PENGUINS)} p)) TO ${quoteLiteral(typo)} (HEADER)`,
    );
    const result = await predictBatch(db(), {
      model: batchModel(model),
      input: { path: typo },
      output: temp.path('typo.jsonl'),
      onError: 'reject',
      rejectPath: temp.path('typo-rejects.csv'),
      workers: 0,
    });
    expect(result.rejected).toBe(1);
    expect(result.firstRejects).toEqual([
      { row: 25000, reason: "column 'Beak Length (mm)': 'n/a' is not a number" },
    ]);
  });

  it('refuses bad input with one line naming it', async () => {
    const model = await trainedModel(db(), temp.path('penguins-bad'), 'classifier');
    const cars = { model: batchModel(model), input: { path: CARS }, output: temp.path('bad.parquet') };
    await expectUserError(
      predictBatch(db(), cars),
      /cars\.json: no column 'Island', .*which the model needs/,
    );
    await expectUserError(
      predictBatch(db(), { ...cars, input: { path: PENGUINS }, output: temp.path('bad.xlsx') }),
      /^--output .*bad\.xlsx: unknown output extension '\.xlsx'/,
    );
    await expectUserError(
      predictBatch(db(), { ...cars, input: { path: PENGUINS }, ids: ['nope'] }),
      /^--id nope: .* has no such column/,
    );
    await expectUserError(
      predictBatch(db(), { ...cars, input: { path: temp.path('missing.csv') } }),
      /missing\.csv: no such file/,
    );
  });
});
