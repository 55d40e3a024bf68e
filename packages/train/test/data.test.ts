import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CategoricalColumn, NumericColumn } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { expectUserError, useDatabase, useTempDir } from '../../core/test/fixtures.js';
import { prepareProblem } from '../src/data/index.js';
import { configFor, writeSplitDirectory } from './train-fixtures.js';

const db = useDatabase();
const temp = useTempDir('train-data');

const penguins = configFor('multiclass', 'split: { validation: 0.15, test: 0.2, seed: 3 }\n', 'Species');

function numeric(column: unknown): NumericColumn {
  return column as NumericColumn;
}
function categorical(column: unknown): CategoricalColumn {
  return column as CategoricalColumn;
}

describe('prepareProblem on penguins', () => {
  it('splits the data, selects features and encodes the target', async () => {
    const problem = await prepareProblem(db(), penguins, {
      data: { path: dataset('penguins.json') },
      out: temp.path('penguins-splits'),
    });
    const { spec, sets } = problem;
    expect(spec.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(spec.features.map((f) => [f.name, f.kind])).toEqual([
      ['Island', 'categorical'],
      ['Beak Length (mm)', 'numeric'],
      ['Beak Depth (mm)', 'numeric'],
      ['Flipper Length (mm)', 'numeric'],
      ['Body Mass (g)', 'numeric'],
      ['Sex', 'categorical'],
    ]);
    expect(spec.features[0]?.categories).toEqual(['Biscoe', 'Dream', 'Torgersen']);
    expect(sets.train.rows + sets.validation.rows + sets.test.rows).toBe(344);
    expect(problem.droppedRows).toEqual({ train: 0, validation: 0, test: 0 });
    for (const set of Object.values(sets)) {
      expect(set.features).toHaveLength(6);
      expect(set.target).toBeInstanceOf(Int32Array);
      expect(Math.max(...set.target)).toBeLessThanOrEqual(2);
      expect(Math.min(...set.target)).toBeGreaterThanOrEqual(0);
      const beak = numeric(set.features[1]);
      beak.values.forEach((v, i) => {
        if (beak.valid[i]) expect(v).toBe(Math.fround(v));
        else expect(v).toBeNaN();
      });
      // Every split codes a category by the training split's dictionary.
      const sex = categorical(set.features[5]);
      expect(sex.dictionary).toEqual(spec.features[5]?.categories);
    }
    // Penguins has two rows without measurements: missing, not dropped.
    const missing = Object.values(sets).reduce(
      (n, s) => n + numeric(s.features[1]).valid.filter((v) => v === 0).length,
      0,
    );
    expect(missing).toBe(2);
  });

  it('reads a split directory written by modelgate split to the same sets', async () => {
    const dir = temp.path('penguins-splits');
    const fromDir = await prepareProblem(db(), penguins, { splits: dir });
    const fresh = await prepareProblem(db(), penguins, {
      data: { path: dataset('penguins.json') },
      out: temp.path('penguins-splits-2'),
    });
    expect(fromDir.spec).toEqual(fresh.spec);
    expect(fromDir.sets.validation).toEqual(fresh.sets.validation);
    expect(fromDir.splits.files.train).toBe(join(dir, 'train.parquet'));
  });

  it('refuses a split file that changed since the split', async () => {
    const dir = temp.path('tampered');
    await prepareProblem(db(), penguins, { data: { path: dataset('penguins.json') }, out: dir });
    await writeFile(join(dir, 'test.parquet'), 'not parquet');
    await expectUserError(
      prepareProblem(db(), penguins, { splits: dir }),
      /test\.parquet: changed since the split/,
    );
  });

  it('refuses splits made for another target', async () => {
    const config = configFor('multiclass', '', 'Island');
    await expectUserError(
      prepareProblem(db(), config, { splits: temp.path('penguins-splits') }),
      /made for target 'Species', but the config's target is 'Island'/,
    );
  });
});

const schema = 'x DOUBLE, c VARCHAR, y VARCHAR';

async function prepareHand(
  name: string,
  rows: { train: string; validation: string; test: string },
  options: {
    schema?: string;
    task?: 'binary' | 'multiclass' | 'regression';
    extra?: string;
  } = {},
) {
  const dir = await writeSplitDirectory(db(), temp.path(name), {
    schema: options.schema ?? schema,
    rows,
    task: options.task ?? 'binary',
  });
  return prepareProblem(db(), configFor(options.task ?? 'binary', options.extra ?? ''), { splits: dir });
}

const okTrain = `(1, 'a', 'p'), (2, 'b', 'q'), (3, 'a', 'p'), (4, 'b', 'q')`;

describe('prepareProblem encodings', () => {
  it('codes unseen validation categories as -1 and sorts classes', async () => {
    const problem = await prepareHand('unseen', {
      train: okTrain,
      validation: `(5, 'z', 'q'), (6, NULL, 'p'), (7, 'b', 'p')`,
      test: `(8, 'a', 'q')`,
    });
    expect(problem.spec.classes).toEqual(['p', 'q']);
    expect(problem.spec.features[1]).toEqual({ name: 'c', kind: 'categorical', categories: ['a', 'b'] });
    expect(Array.from(categorical(problem.sets.validation.features[1]).codes)).toEqual([-1, -1, 1]);
    expect(Array.from(problem.sets.validation.target)).toEqual([1, 0, 0]);
  });

  it('turns booleans into 0/1 and datetimes into epoch milliseconds, with a warning', async () => {
    const problem = await prepareHand(
      'kinds',
      {
        train: `(true, DATE '2020-01-01', 1), (false, DATE '2020-01-02', 0), (true, NULL, 1), (false, DATE '2020-01-04', 0)`,
        validation: `(true, DATE '2020-01-05', 1)`,
        test: '',
      },
      { schema: 'b BOOLEAN, d DATE, y INTEGER' },
    );
    expect(problem.spec.classes).toEqual(['0', '1']);
    expect(problem.spec.features.map((f) => f.kind)).toEqual(['numeric', 'numeric']);
    expect(Array.from(numeric(problem.sets.train.features[0]).values)).toEqual([1, 0, 1, 0]);
    expect(numeric(problem.sets.train.features[1]).values[0]).toBe(Math.fround(Date.UTC(2020, 0, 1)));
    expect(problem.warnings.join('\n')).toMatch(/feature 'd' is a DATE: the model sees it as a number/);
    expect(problem.sets.test.rows).toBe(0);
  });

  it('leaves free-text columns out of features: auto, with a warning', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `(${i}, 'name ${i}', '${i % 2 ? 'p' : 'q'}')`);
    const problem = await prepareHand('text', {
      train: names.join(', '),
      validation: `(1, 'x', 'p')`,
      test: '',
    });
    expect(problem.spec.features.map((f) => f.name)).toEqual(['x']);
    expect(problem.warnings.join('\n')).toMatch(/leaves out free-text column 'c'/);
  });

  it('drops rows whose target is null, with a warning and a count', async () => {
    const problem = await prepareHand('null-target', {
      train: `${okTrain}, (9, 'a', NULL)`,
      validation: `(5, 'a', 'q'), (6, 'a', NULL), (7, 'b', NULL)`,
      test: '',
    });
    expect(problem.droppedRows).toEqual({ train: 1, validation: 2, test: 0 });
    expect(problem.sets.train.rows).toBe(4);
    expect(problem.warnings.join('\n')).toMatch(
      /missing in 1 row of train, 2 rows of validation: those rows are left out/,
    );
  });

  it('regression keeps the target as numbers', async () => {
    const problem = await prepareHand(
      'regression',
      { train: `(1, 'a', 1.5), (2, 'b', 2.5), (3, 'a', 3)`, validation: `(4, 'b', 7)`, test: '' },
      { schema: 'x DOUBLE, c VARCHAR, y DOUBLE', task: 'regression' },
    );
    expect(problem.spec.classes).toBeUndefined();
    expect(Array.from(problem.sets.train.target)).toEqual([1.5, 2.5, 3]);
  });
});

describe('prepareProblem refuses bad input', () => {
  it('a target that is not a column of the splits', async () => {
    await writeSplitDirectory(db(), temp.path('no-target'), {
      schema: 'x DOUBLE, c VARCHAR',
      rows: { train: `(1, 'a')`, validation: `(2, 'b')`, test: '' },
    });
    await expectUserError(
      prepareProblem(db(), configFor('binary'), { splits: temp.path('no-target') }),
      /target 'y' is not a column of .*train\.parquet\. Columns: x, c\./,
    );
  });

  it('a target missing from the data before splitting', async () => {
    await expectUserError(
      prepareProblem(db(), configFor('binary', '', 'nope'), {
        data: { path: dataset('penguins.json') },
        out: temp.path('never'),
      }),
      /target 'nope' is not a column/,
    );
  });

  it('a constant target', async () => {
    await expectUserError(
      prepareHand('constant', {
        train: `(1, 'a', 'p'), (2, 'b', 'p')`,
        validation: `(3, 'a', 'p')`,
        test: '',
      }),
      /target 'y' is constant in the training split \(every row is 'p'\)/,
    );
    await expectUserError(
      prepareHand(
        'constant-regression',
        { train: `(1, 'a', 5), (2, 'b', 5)`, validation: `(3, 'a', 5)`, test: '' },
        { schema: 'x DOUBLE, c VARCHAR, y DOUBLE', task: 'regression' },
      ),
      /target 'y' is constant in the training split \(every row is 5\)/,
    );
  });

  it('a class with too few training rows', async () => {
    await expectUserError(
      prepareHand(
        'rare',
        { train: `${okTrain}, (5, 'a', 'r')`, validation: `(3, 'a', 'p')`, test: '' },
        { task: 'multiclass' },
      ),
      /class 'r' of target 'y' has 1 row in the training split; each class needs at least 2/,
    );
  });

  it('three classes for a binary task', async () => {
    await expectUserError(
      prepareHand('three', {
        train: `${okTrain}, (5, 'a', 'r'), (6, 'b', 'r')`,
        validation: `(3, 'a', 'p')`,
        test: '',
      }),
      /has 3 classes in the training split \(p, q, r\), but task is binary/,
    );
  });

  it('a validation class the training split lacks', async () => {
    await expectUserError(
      prepareHand('unseen-class', { train: okTrain, validation: `(3, 'a', 'p'), (4, 'a', 'zz')`, test: '' }),
      /target 'y' is 'zz' in 1 row of the validation split, a class the training split does not have/,
    );
  });

  it('a string target for regression', async () => {
    await expectUserError(
      prepareHand(
        'string-regression',
        { train: okTrain, validation: `(3, 'a', 'p')`, test: '' },
        { task: 'regression' },
      ),
      /target 'y' is VARCHAR \(categorical\), but task is regression/,
    );
  });

  it('a feature with no value in the training split', async () => {
    await expectUserError(
      prepareHand('all-null', {
        train: `(NULL, 'a', 'p'), (NULL, 'b', 'q'), (NULL, 'a', 'p'), (NULL, 'b', 'q')`,
        validation: `(3, 'a', 'p')`,
        test: '',
      }),
      /feature 'x' has no value in the training split \(all 4 rows are null\)/,
    );
  });

  it('infinite feature values, counted over every split', async () => {
    await expectUserError(
      prepareHand('inf', {
        train: `(1, 'a', 'p'), ('inf', 'b', 'q'), (3, 'a', 'p'), ('-inf', 'b', 'q')`,
        validation: `(1e300, 'a', 'p')`,
        test: '',
      }),
      /feature 'x' is infinite \(±inf, or beyond float32's range\) in 3 rows/,
    );
  });

  it('NaN features are missing values, not errors', async () => {
    const problem = await prepareHand('nan', {
      train: `(1, 'a', 'p'), ('nan', 'b', 'q'), (3, 'a', 'p'), (4, 'b', 'q')`,
      validation: `(3, 'a', 'p')`,
      test: '',
    });
    const x = numeric(problem.sets.train.features[0]);
    expect(Array.from(x.valid)).toEqual([1, 0, 1, 1]);
    expect(x.values[1]).toBeNaN();
  });

  it('zero rows: an empty data file, or no training row with a target', async () => {
    const empty = await temp.write('empty.csv', 'x,y\n');
    await expectUserError(
      prepareProblem(db(), configFor('binary'), { data: { path: empty }, out: temp.path('empty-out') }),
      /no rows/,
    );
    await expectUserError(
      prepareHand('no-train-rows', { train: `(1, 'a', NULL)`, validation: `(3, 'a', 'p')`, test: '' }),
      /the training split has no rows with a target 'y'/,
    );
    await expectUserError(
      prepareHand('no-validation-rows', { train: okTrain, validation: '', test: '' }),
      /the validation split has no rows with a target/,
    );
  });

  it('a listed feature that is not a column, or is free text', async () => {
    await expectUserError(
      prepareHand(
        'listed',
        { train: okTrain, validation: `(3, 'a', 'p')`, test: '' },
        { extra: 'features: [x, nope]\n' },
      ),
      /features: 'nope' is not a column of the training split\. Columns: x, c, y\./,
    );
  });
});
