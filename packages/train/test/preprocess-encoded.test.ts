import { readFile } from 'node:fs/promises';
import type { CategoricalColumn, NumericColumn } from '@modelgate/core';
import { createSession, type Tensor } from '@modelgate/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectUserError, useDatabase, useTempDir } from '../../core/test/fixtures.js';
import type { PreparedProblem } from '../src/data/index.js';
import { addRawInputs, OnnxGraph } from '../src/onnx/index.js';
import {
  DATETIME_PARTS,
  datetimeParts,
  datetimePartsGraph,
  type Encoding,
  type EncodingOptions,
  encodeSet,
  encodingGraph,
  type FeatureMap,
  fitEncoding,
  float32Text,
  writeEncodedSplits,
} from '../src/preprocess/index.js';
import type { ProblemSpec, TrainingSet } from '../src/types.js';
import { penguinsProblem, rawFeeds } from './encoded-fixtures.js';

const db = useDatabase();
const temp = useTempDir('preprocess-encoded');

const OPTIONS: EncodingOptions[] = [
  { categorical: 'onehot', numeric: 'standardize' },
  { categorical: 'ordinal', numeric: 'standardize' },
  { categorical: 'onehot', numeric: 'impute' },
  { categorical: 'ordinal', numeric: 'impute' },
];

let penguins: PreparedProblem;
beforeAll(async () => {
  penguins = await penguinsProblem(db(), temp.path('penguins-splits'));
});

/** The encoding graph alone, as a model with the encoded matrix as its output. */
function encodingModel(encoding: Encoding, spec: ProblemSpec): Uint8Array {
  const g = new OnnxGraph('encoding', 'pre/');
  const encoded = encodingGraph(g, encoding, addRawInputs(g, spec.features));
  g.output(encoded, 'encoded', { dtype: 'float', shape: ['N', encoding.width] });
  return g.toBytes();
}

async function runGraph(model: Uint8Array, feeds: Record<string, Tensor>): Promise<Float32Array> {
  const session = await createSession(model, { intraOpNumThreads: 1 });
  try {
    const out = await session.run(feeds);
    return out.encoded?.data as Float32Array;
  } finally {
    await session.release();
  }
}

function numericColumn(name: string, values: readonly (number | null)[]): NumericColumn {
  return {
    kind: 'numeric',
    name,
    values: Float64Array.from(values, (v) => (v === null ? Number.NaN : Math.fround(v))),
    valid: Uint8Array.from(values, (v) => (v === null ? 0 : 1)),
  };
}

function categoricalColumn(name: string, dictionary: string[], codes: number[]): CategoricalColumn {
  return { kind: 'categorical', name, dictionary, codes: Int32Array.from(codes) };
}

describe('the encoding: one fit, the same numbers in memory and in the graph', () => {
  it.each(OPTIONS)(
    '%o: the graph gives encodeSet bit for bit on every split, nulls and unseen included',
    async (options) => {
      const { spec, sets } = penguins;
      const encoding = fitEncoding(spec, sets.train, new Set(), options);
      const model = encodingModel(encoding, spec);
      for (const set of Object.values(sets)) {
        expect(Array.from(await runGraph(model, rawFeeds(spec.features, set)))).toEqual(
          Array.from(encodeSet(encoding, spec.features, set)),
        );
      }
      // A category the training split never saw is sent as its string; in memory it is code -1.
      const unseen = new Map([
        [
          'Island',
          new Map([
            [0, 'Atlantis'],
            [3, ''],
          ]),
        ],
      ]);
      const test = sets.test;
      const island = test.features.find((c) => c.name === 'Island') as CategoricalColumn;
      const codes = Int32Array.from(island.codes, (c, i) => (i === 0 || i === 3 ? -1 : c));
      const changed: TrainingSet = {
        ...test,
        features: test.features.map((c) => (c === island ? { ...island, codes } : c)),
      };
      expect(Array.from(await runGraph(model, rawFeeds(spec.features, test, unseen)))).toEqual(
        Array.from(encodeSet(encoding, spec.features, changed)),
      );
    },
  );

  it('lays out standardised numbers, missing indicators, then one-hot blocks with a missing-or-unseen slot', () => {
    const { spec, sets } = penguins;
    const encoding = fitEncoding(spec, sets.train, new Set(), OPTIONS[0] as EncodingOptions);
    const names = spec.features.map((f) => f.name);
    expect(encoding.numeric.map((s) => names[s.feature])).toEqual([
      'Beak Length (mm)',
      'Beak Depth (mm)',
      'Flipper Length (mm)',
      'Body Mass (g)',
    ]);
    const beak = sets.train.features.find((c) => c.name === 'Beak Length (mm)') as NumericColumn;
    const present = Array.from(beak.values).filter((_, i) => beak.valid[i]);
    const mean = present.reduce((a, b) => a + b, 0) / present.length;
    const std = Math.sqrt(present.reduce((a, v) => a + (v - mean) ** 2, 0) / present.length);
    expect(encoding.numeric[0]).toEqual({
      feature: names.indexOf('Beak Length (mm)'),
      fill: Math.fround(mean),
      mean: Math.fround(mean),
      scale: Math.fround(std),
    });
    // One training row has no measurements: each measurement gets a missing indicator.
    expect(encoding.missing).toEqual([0, 1, 1, 1, 1, 6]);
    expect(encoding.indicators.map((f) => names[f])).toEqual([
      'Beak Length (mm)',
      'Beak Depth (mm)',
      'Flipper Length (mm)',
      'Body Mass (g)',
    ]);
    expect(encoding.categorical.map((c) => [names[c.feature], c.categories])).toEqual([
      ['Island', ['Biscoe', 'Dream', 'Torgersen']],
      ['Sex', ['.', 'FEMALE', 'MALE']],
    ]);
    const sexCategories = encoding.categorical[1]?.categories.length ?? 0;
    expect(encoding.width).toBe(4 + 4 + 4 + 4);
    // A row whose Sex is null has the Sex block's last slot set.
    const sex = sets.train.features.find((c) => c.name === 'Sex') as CategoricalColumn;
    const nullRow = sex.codes.indexOf(-1);
    expect(nullRow).toBeGreaterThanOrEqual(0);
    const matrix = encodeSet(encoding, spec.features, sets.train);
    const row = Array.from(matrix.subarray(nullRow * encoding.width, (nullRow + 1) * encoding.width));
    expect(row.slice(-(sexCategories + 1))).toEqual([...new Array(sexCategories).fill(0), 1]);
  });

  it('ordinal: the category index, the number of categories for missing or unseen', () => {
    const spec: ProblemSpec = {
      task: 'binary',
      target: 'y',
      classes: ['n', 'y'],
      features: [{ name: 'c', kind: 'categorical', categories: ['a', 'b'] }],
    };
    const set: TrainingSet = {
      rows: 3,
      target: Int32Array.of(0, 1, 0),
      features: [categoricalColumn('c', ['a', 'b'], [1, -1, 0])],
    };
    const encoding = fitEncoding(spec, set, new Set(), { categorical: 'ordinal', numeric: 'standardize' });
    expect(Array.from(encodeSet(encoding, spec.features, set))).toEqual([1, 2, 0]);
  });
});

describe('datetime parts', () => {
  const sweep = [
    Date.UTC(1970, 0, 1),
    Date.UTC(1969, 11, 31, 23, 59, 59),
    Date.UTC(1900, 1, 28, 12),
    Date.UTC(2000, 1, 29, 6, 30),
    Date.UTC(2024, 1, 29, 23),
    Date.UTC(2024, 11, 31, 13),
    Date.UTC(2025, 2, 1),
    Date.UTC(1601, 0, 1, 1),
    ...Array.from({ length: 200 }, (_, k) => Date.UTC(1950, 0, 1) + k * 9_876_543_211),
  ];

  it('are the UTC calendar of the instant to the nearest 5 minutes (Monday = 0)', () => {
    for (const ms of sweep) {
      const date = new Date(Math.floor((ms + 150_000) / 300_000) * 300_000);
      expect(datetimeParts(ms)).toEqual({
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        weekday: (date.getUTCDay() + 6) % 7,
        hour: date.getUTCHours(),
      });
    }
    expect(Object.values(datetimeParts(Number.NaN)).every(Number.isNaN)).toBe(true);
  });

  it('a date stays on its day although the model gets its instant as float32', () => {
    for (let day = -7300; day < 47_000; day += 37) {
      const ms = day * 86_400_000;
      const rounded = Math.fround(ms);
      const date = new Date(ms);
      expect(datetimeParts(rounded)).toMatchObject({ day: date.getUTCDate(), hour: 0 });
    }
  });

  it('the graph gives the same parts from the float32 instant', async () => {
    const g = new OnnxGraph();
    const [input] = addRawInputs(g, [{ name: 'when', kind: 'numeric' }]);
    const parts = datetimePartsGraph(g, input as string, DATETIME_PARTS);
    for (const part of DATETIME_PARTS)
      g.output(parts.get(part) as string, part, { dtype: 'float', shape: ['N', 1] });
    const session = await createSession(g.toBytes(), { intraOpNumThreads: 1 });
    const instants = Float32Array.from([...sweep, Number.NaN]);
    const { Tensor } = await import('@modelgate/runtime');
    const out = await session.run({ when: new Tensor('float32', instants, [instants.length, 1]) });
    for (const part of DATETIME_PARTS) {
      expect(Array.from(out[part]?.data as Float32Array)).toEqual(
        Array.from(instants, (ms) => Math.fround(datetimeParts(ms)[part])),
      );
    }
    await session.release();
  });

  it('a datetime feature is its instant and its parts; a part that never changes is left out', async () => {
    const spec: ProblemSpec = {
      task: 'regression',
      target: 'y',
      features: [{ name: 'when', kind: 'numeric' }],
    };
    const days = [Date.UTC(2021, 0, 4), Date.UTC(2022, 5, 15), null, Date.UTC(2023, 11, 31)];
    const set: TrainingSet = {
      rows: 4,
      target: Float64Array.of(1, 2, 3, 4),
      features: [numericColumn('when', days)],
    };
    const encoding = fitEncoding(spec, set, new Set(['when']), OPTIONS[0] as EncodingOptions);
    expect(encoding.datetime).toEqual([{ feature: 0, parts: ['year', 'month', 'day', 'weekday'] }]);
    expect(encoding.numeric.map((s) => s.part ?? 'instant')).toEqual([
      'instant',
      'year',
      'month',
      'day',
      'weekday',
    ]);
    expect(encoding.indicators).toEqual([0]);
    expect(encoding.width).toBe(6);
    const model = encodingModel(encoding, spec);
    expect(Array.from(await runGraph(model, rawFeeds(spec.features, set)))).toEqual(
      Array.from(encodeSet(encoding, spec.features, set)),
    );
  });
});

describe('statistics that cannot encode', () => {
  const spec: ProblemSpec = {
    task: 'regression',
    target: 'y',
    features: [
      { name: 'ok', kind: 'numeric' },
      { name: 'flat', kind: 'numeric' },
    ],
  };
  const set = (flat: (number | null)[]): TrainingSet => ({
    rows: 3,
    target: Float64Array.of(1, 2, 3),
    features: [numericColumn('ok', [1, 2, 3]), numericColumn('flat', flat)],
  });

  it('a constant column cannot be standardised: one line naming it', async () => {
    const message = await expectUserError(
      () => fitEncoding(spec, set([5, null, 5]), new Set(), OPTIONS[0] as EncodingOptions),
      /feature 'flat' is constant in the training split \(every value is 5\)/,
    );
    expect(message.split('\n')).toHaveLength(1);
    // Imputing alone needs no deviation.
    const imputed = fitEncoding(spec, set([5, null, 5]), new Set(), OPTIONS[2] as EncodingOptions);
    expect(imputed.numeric[1]).toEqual({ feature: 1, fill: 5 });
  });

  it('an all-null or infinite column has a NaN or infinite statistic: refused naming it', async () => {
    await expectUserError(
      () => fitEncoding(spec, set([null, null, null]), new Set(), OPTIONS[2] as EncodingOptions),
      /^feature 'flat': its training mean is NaN \(it has no value in the training split\)/,
    );
    await expectUserError(
      () =>
        fitEncoding(spec, set([1, Number.POSITIVE_INFINITY, 2]), new Set(), OPTIONS[0] as EncodingOptions),
      /^feature 'flat': its training mean is Infinity \(1 of its values are infinite\)/,
    );
  });
});

describe('the encoded files and the feature map', () => {
  it('CSV and Parquet hold encodeSet exactly (float32), then the class index; the map says each column', async () => {
    const { spec, sets } = penguins;
    const options = OPTIONS[0] as EncodingOptions;
    const written = await writeEncodedSplits(db(), penguins, options, temp.path('encoded'));
    const encoding = written.encoding;
    const map = JSON.parse(await readFile(written.featureMap, 'utf8')) as FeatureMap;
    expect(map.width).toBe(encoding.width);
    expect(map.columns.map((c) => c.name)).toEqual(written.columns);
    expect(map.columns.slice(0, 2)).toEqual([
      {
        index: 0,
        name: 'Beak Length (mm)',
        source: 'Beak Length (mm)',
        transform: 'standardize',
        fill: encoding.numeric[0]?.fill,
        mean: encoding.numeric[0]?.mean,
        std: encoding.numeric[0]?.scale,
      },
      expect.objectContaining({ index: 1, name: 'Beak Depth (mm)' }),
    ]);
    expect(written.columns).toEqual(
      expect.arrayContaining(['Island=Biscoe', 'Island (missing or unseen)', 'Beak Length (mm) (missing)']),
    );
    expect(map.sources.find((s) => s.name === 'Island')).toEqual({
      name: 'Island',
      kind: 'categorical',
      missing: 0,
      columns: [
        written.columns.indexOf('Island=Biscoe'),
        written.columns.indexOf('Island=Biscoe') + 1,
        written.columns.indexOf('Island=Biscoe') + 2,
        written.columns.indexOf('Island (missing or unseen)'),
      ],
      categories: ['Biscoe', 'Dream', 'Torgersen'],
    });
    expect(map.target).toEqual({ name: 'Species', encoding: 'class_index', classes: spec.classes });
    expect(map.rows).toEqual({
      train: sets.train.rows,
      validation: sets.validation.rows,
      test: sets.test.rows,
    });
    for (const name of ['train', 'validation', 'test'] as const) {
      const expected = encodeSet(encoding, spec.features, sets[name]);
      const [header = '', ...lines] = (await readFile(written.csv[name], 'utf8')).trimEnd().split('\n');
      expect(header).toBe(
        [...written.columns.map((c) => (c.includes(',') ? `"${c}"` : c)), 'Species'].join(','),
      );
      const fromCsv = lines.flatMap((line) =>
        line
          .split(',')
          .slice(0, -1)
          .map((cell) => Math.fround(Number(cell))),
      );
      expect(fromCsv).toEqual(Array.from(expected));
      expect(lines.map((line) => Number(line.split(',').at(-1)))).toEqual(Array.from(sets[name].target));
      const rows = await db().rows(`SELECT * FROM read_parquet('${written.parquet[name]}')`);
      const fromParquet = rows.flatMap((row) => written.columns.map((c) => row[c] as number));
      expect(fromParquet).toEqual(Array.from(expected));
      expect(rows.map((row) => row.Species)).toEqual(Array.from(sets[name].target));
      const types = await db().rows(`DESCRIBE SELECT * FROM read_parquet('${written.parquet[name]}')`);
      expect(new Set(types.map((t) => t.column_type))).toEqual(new Set(['FLOAT', 'INTEGER']));
    }
  });

  it('float32 text reads back as the same float32', () => {
    let state = 12345;
    const values = [0.1, -0.5, 1 / 3, 3.4028234663852886e38, 1.401298464324817e-45, 1e-7, 123456.789];
    for (let k = 0; k < 20000; k++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      values.push((state / 2 ** 32 - 0.5) * 10 ** ((k % 12) - 6));
    }
    for (const raw of values) {
      const v = Math.fround(raw);
      const text = float32Text(v);
      expect(Math.fround(Number(text))).toBe(v);
      expect(
        text
          .replace(/^-?0?\.?0*/, '')
          .replace(/e.*$/, '')
          .replace('.', '').length,
      ).toBeLessThanOrEqual(9);
    }
    expect(float32Text(Math.fround(0.1))).toBe('0.1');
    expect(float32Text(1)).toBe('1');
  });
});
