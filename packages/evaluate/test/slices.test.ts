import { type ColumnData, loadDataset, quoteIdent, readColumns } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useDatabase } from '../../core/test/fixtures.js';
import {
  compareSlices,
  defineSlices,
  MISSING_SLICE,
  type SliceDefinition,
  type SliceResult,
  sliceMetrics,
} from '../src/index.js';
import { classificationCase, expectAllClose, expectMetric, predictionsOf, reference } from './reference.js';

const SLICED = ['Island', 'Sex', 'Beak Length (mm)'];
const expected = reference.slices;
const predictions = predictionsOf(classificationCase('penguins-species'));

describe('slices of the penguins holdout', () => {
  const db = useDatabase();

  let columns: Promise<ColumnData[]> | undefined;
  const holdoutColumns = () => {
    columns ??= readHoldout();
    return columns;
  };

  /** The holdout rows of penguins.json as the CLI will have them: a table in holdout order. */
  async function readHoldout(): Promise<ColumnData[]> {
    const data = await loadDataset(db(), { path: dataset('penguins.json') });
    await db().run(
      `CREATE TEMP TABLE holdout AS SELECT * FROM ${quoteIdent(data.table)} WHERE rowid IN (${expected.rows.join(', ')}) ORDER BY rowid`,
    );
    const columns = data.columns.filter((c) => SLICED.includes(c.name));
    return readColumns(db(), 'holdout', columns, expected.rows.length);
  }

  function label(column: string, value: string | number | null, slices: SliceDefinition[]): string {
    if (value === null) return MISSING_SLICE;
    if (typeof value === 'string') return value;
    return slices.filter((s) => s.column === column && s.kind === 'bin')[value]?.value ?? '';
  }

  it('computes every metric per category and quantile bin, as scikit-learn does on the same rows', async () => {
    const columns = await holdoutColumns();
    const slices = defineSlices(columns, { bins: 4 });
    const results = sliceMetrics(slices, predictions, { minSize: expected.min_size });
    for (const [column, reference] of Object.entries(expected.columns)) {
      const mine = results.filter((r) => r.column === column);
      expect(mine.map((r) => r.value)).toEqual(reference.slices.map((s) => label(column, s.value, slices)));
      reference.slices.forEach((s, i) => {
        const got = mine[i] as SliceResult;
        expect(got.count).toBe(s.count);
        if (s.metrics === null) {
          expect(got).toHaveProperty('tooSmall');
          return;
        }
        if (!('metrics' in got)) throw new Error(`${column}=${got.value} was not computed`);
        for (const [name, value] of Object.entries(s.metrics)) {
          expectMetric(
            got.metrics[name as keyof typeof got.metrics],
            value,
            `${column}=${got.value} ${name}`,
          );
        }
      });
    }
  });

  it('bins a numeric column at its quartiles, (lower, upper] with the first closed', async () => {
    const columns = await holdoutColumns();
    const beak = defineSlices(columns).filter((s) => s.column === 'Beak Length (mm)' && s.kind === 'bin');
    const edges = expected.columns['Beak Length (mm)']?.edges ?? [];
    expectAllClose([beak[0]?.lower ?? Number.NaN, ...beak.map((s) => s.upper ?? Number.NaN)], edges, 'edges');
    expect(beak[0]?.value.startsWith('[')).toBe(true);
    expect(beak.slice(1).every((s) => s.value.startsWith('('))).toBe(true);
  });

  it('flags slices below the minimum size instead of computing them', async () => {
    const slices = defineSlices(await holdoutColumns());
    const results = sliceMetrics(slices, predictions);
    const torgersen = results.find((r) => r.value === 'Torgersen');
    expect(torgersen).toEqual({
      column: 'Island',
      value: 'Torgersen',
      kind: 'category',
      count: 17,
      tooSmall: '17 rows, fewer than the minimum slice size 30',
    });
  });

  it('compares one metric of two models slice by slice', async () => {
    const slices = defineSlices(await holdoutColumns());
    const champion = predictionsOf(classificationCase('penguins-species-champion'));
    const compared = compareSlices(slices, 'accuracy', predictions, champion, { minSize: 10 });
    const dream = compared.find((s) => s.value === 'Dream');
    if (!dream || !('challenger' in dream)) throw new Error('Dream was not compared');
    expectMetric(
      dream.challenger,
      expected.columns.Island?.slices.find((s) => s.value === 'Dream')?.metrics?.accuracy ?? null,
    );
    expect(dream.champion).toHaveProperty('value');
  });
});

describe('slices of hand-made columns', () => {
  it('slices booleans as categories and an all-missing column as one missing slice', () => {
    const slices = defineSlices([
      {
        kind: 'boolean',
        name: 'flag',
        values: Float64Array.from([1, 0, 1, 0]),
        valid: Uint8Array.from([1, 1, 1, 0]),
      },
      { kind: 'numeric', name: 'empty', values: new Float64Array(4), valid: new Uint8Array(4) },
      {
        kind: 'numeric',
        name: 'constant',
        values: Float64Array.from([2, 2, 2, 2]),
        valid: Uint8Array.from([1, 1, 1, 1]),
      },
    ]);
    expect(slices.map((s) => [s.column, s.value, Array.from(s.rows)])).toEqual([
      ['flag', 'false', [1]],
      ['flag', 'true', [0, 2]],
      ['flag', MISSING_SLICE, [3]],
      ['empty', MISSING_SLICE, [0, 1, 2, 3]],
      ['constant', '[2, 2]', [0, 1, 2, 3]],
    ]);
  });
});
