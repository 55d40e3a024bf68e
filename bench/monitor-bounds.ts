/**
 * Measured error against the reported bound of the sketch statistics, on
 * real data: flights-3m (January 2001 the reference, February to June the
 * chunks; delay and distance) and seattle-weather (2012 the reference, 2013
 * to 2015 the chunks). "Exact" is driftFromSamples on every value (scipy's
 * numbers to 1e-9, bounds.test.ts); "sketch" compares profiles made with
 * exactValues 0, "kept values" profiles made with the default.
 * Called by bench/monitor.ts; `npx tsx --conditions=modelgate-source bench/monitor-bounds.ts` runs it alone.
 */
import {
  Database,
  type DataProfile,
  type Dataset,
  loadDataset,
  profileDataset,
  quoteIdent,
  readColumns,
  toNumber,
} from '@modelgate/core';
import { type ColumnDrift, type DriftOptions, detectDrift, driftFromSamples } from '@modelgate/monitor';
import { dataset as vegaDataset } from '../packages/core/test/datasets.js';

interface Study {
  file: string;
  reference: [string, string];
  chunks: [string, string][];
  columns: string[];
}

const STUDIES: Study[] = [
  {
    file: 'flights-3m.parquet',
    reference: ['January', 'month(date) = 1'],
    chunks: [2, 3, 4, 5, 6].map((m) => [`month ${m}`, `month(date) = ${m}`]),
    columns: ['delay', 'distance'],
  },
  {
    file: 'seattle-weather.csv',
    reference: ['2012', 'year(date) = 2012'],
    chunks: [2013, 2014, 2015].map((y) => [String(y), `year(date) = ${y}`]),
    columns: ['precipitation', 'temp_max', 'temp_min', 'wind'],
  },
];

const METHODS = ['wasserstein', 'ks'] as const;
const NAMES = { wasserstein: 'W/σ', ks: 'KS D' } as const;

interface Side {
  samples: Awaited<ReturnType<typeof readColumns>>;
  exact: DataProfile;
  sketch: DataProfile;
}

async function side(db: Database, source: Dataset, where: string, name: string): Promise<Side> {
  await db.run(
    `CREATE VIEW ${quoteIdent(name)} AS SELECT rowid AS rowid, * FROM ${quoteIdent(source.table)} WHERE ${where}`,
  );
  const n = toNumber((await db.first(`SELECT count(*) AS n FROM ${quoteIdent(name)}`)).n) ?? 0;
  const view = { ...source, table: name, rowCount: n };
  return {
    samples: await readColumns(db, name, view.columns, n),
    exact: await profileDataset(db, view),
    sketch: await profileDataset(db, view, { exactValues: 0 }),
  };
}

const cell = (x: number) => (x === 0 ? '0' : x.toExponential(1)).padStart(8);

function one(reference: DataProfile, current: DataProfile, options: DriftOptions): ColumnDrift {
  return detectDrift(reference, current, options).columns[0] as ColumnDrift;
}

/** Prints one row per chunk, column and statistic; returns the largest bound / error ratio of the sketch path. */
export async function printBounds(): Promise<void> {
  const db = await Database.open();
  const ratios: number[] = [];
  try {
    console.log('\nmeasured error vs bound (sketch: exactValues 0; kept: the default profile)');
    console.log(
      `${'data'.padEnd(34)} ${'stat'.padEnd(5)} ${'exact'.padStart(9)} ${'|err|'.padStart(8)} ${'bound'.padStart(8)} ${'ratio'.padStart(8)}   kept: ${'|err|'.padStart(8)} ${'bound'.padStart(8)}`,
    );
    let view = 0;
    for (const study of STUDIES) {
      const source = await loadDataset(db, { path: vegaDataset(study.file) }, { table: `bench_${view}` });
      const reference = await side(db, source, study.reference[1], `bench_side_${++view}`);
      for (const [label, where] of study.chunks) {
        const current = await side(db, source, where, `bench_side_${++view}`);
        for (const column of study.columns) {
          for (const method of METHODS) {
            const options: DriftOptions = {
              minRows: 1,
              columns: [column],
              byColumn: { [column]: { method } },
            };
            const exact = driftFromSamples(reference.samples, current.samples, options)
              .columns[0] as ColumnDrift;
            const sketch = one(reference.sketch, current.sketch, options);
            const kept = one(reference.exact, current.exact, options);
            const truth = exact.statistic as number;
            const error = Math.abs((sketch.statistic as number) - truth);
            const bound = sketch.sketchError as number;
            const ratio = error > 0 ? bound / error : Number.POSITIVE_INFINITY;
            ratios.push(ratio);
            console.log(
              `${`${study.file.split('.')[0]} ${label} vs ${study.reference[0]}: ${column}`.padEnd(34)} ${NAMES[method].padEnd(5)} ${truth.toFixed(5).padStart(9)} ${cell(error)} ${cell(bound)} ${(Number.isFinite(ratio) ? ratio.toFixed(0) : '∞').padStart(8)}   kept: ${cell(Math.abs((kept.statistic as number) - truth))} ${cell(kept.sketchError as number)}`,
            );
          }
        }
      }
    }
    const finite = ratios.filter(Number.isFinite).sort((a, b) => a - b);
    console.log(
      `sketch bound / measured error: median ${finite[Math.floor(finite.length / 2)]?.toFixed(0)}, max ${finite[finite.length - 1]?.toFixed(0)}; kept values: exact, bound 0`,
    );
  } finally {
    db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await printBounds();
