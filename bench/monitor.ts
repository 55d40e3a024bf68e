/**
 * bench:monitor — drift on flights-3m (3M rows, Parquet): the first half by
 * date is the reference, the second half the current window. Measured in the
 * same run against numpy/scipy doing the same tests on the same columns
 * (bench/monitor_scipy.py, run with /usr/bin/python3; the columns reach it as
 * raw binary files written here, outside its timed part).
 *
 * - monitor, data in DuckDB: profile both halves (the tested columns) and
 *   compare the profiles, from the table DuckDB holds, as scipy starts
 *   from arrays in memory.
 * - monitor, Parquet file -> verdict: load, profile every column, compare.
 * - exact, columns in memory: driftFromSamples on typed arrays.
 * Goal: from DuckDB faster than scipy; from the file under 10 s.
 * Then bench/monitor-bounds.ts prints the sketch statistics' measured error
 * against their bound on flights-3m by month and seattle-weather by year.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ColumnData,
  Database,
  type Dataset,
  loadDataset,
  type NumericColumn,
  profileDataset,
  quoteIdent,
  readColumns,
  toNumber,
} from '@modelgate/core';
import {
  type DriftOptions,
  type DriftReport,
  detectDrift,
  driftFromSamples,
  monitorDataset,
} from '@modelgate/monitor';
import { dataset as vegaDataset } from '../packages/core/test/datasets.js';
import { printBounds } from './monitor-bounds.js';

const file = vegaDataset('flights-3m.parquet');
const PYTHON = '/usr/bin/python3';
const REPEATS = 3;
const TESTED = ['delay', 'distance', 'origin', 'destination'];

const SETS: Record<string, DriftOptions> = {
  defaults: {},
  tests: { byKind: { numeric: { method: 'ks' }, categorical: { method: 'chisquare' } } },
};

function median(times: number[]): number {
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? Number.NaN;
}

/** The median time of `work` on a fresh database, after an untimed `setup`. */
async function timed<S, T>(
  setup: (db: Database) => Promise<S>,
  work: (db: Database, ready: S) => Promise<T>,
): Promise<{ seconds: number; result: T }> {
  const times: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < REPEATS; i++) {
    const db = await Database.open();
    try {
      const ready = await setup(db);
      const start = performance.now();
      result = await work(db, ready);
      times.push((performance.now() - start) / 1000);
    } finally {
      db.close();
    }
  }
  return { seconds: median(times), result: result as T };
}

const nothing = async () => undefined;

/** The file loaded, and the two halves as views split at the median date. */
async function halves(
  db: Database,
): Promise<{ dataset: Dataset; reference: Dataset; current: Dataset; split: number }> {
  const dataset = await loadDataset(db, { path: file }, { table: 'flights' });
  const row = await db.first('SELECT epoch_ms(quantile_disc(date, 0.5)) AS split FROM flights');
  const at = toNumber(row.split) ?? 0;
  const split = `epoch_ms(${at})`;
  const side = async (name: string, where: string): Promise<Dataset> => {
    // A view keeps no rowid of its own; readColumns orders by the table's.
    await db.run(`CREATE VIEW ${quoteIdent(name)} AS SELECT rowid AS rowid, * FROM flights WHERE ${where}`);
    const n = await db.first(`SELECT count(*) AS n FROM ${quoteIdent(name)}`);
    return { ...dataset, table: name, rowCount: toNumber(n.n) ?? 0 };
  };
  return {
    dataset,
    reference: await side('reference', `date < ${split}`),
    current: await side('current', `date >= ${split}`),
    split: at,
  };
}

/** Both halves in memory over one category dictionary, as scipy gets them. */
function splitColumns(columns: ColumnData[], firstHalf: Uint8Array): [ColumnData[], ColumnData[]] {
  const pick = (keep: number) => {
    const rows = firstHalf.reduce((n, x) => n + Number(x === keep), 0);
    return columns.map((c): ColumnData => {
      let j = 0;
      if ('codes' in c) {
        const codes = new Int32Array(rows);
        c.codes.forEach((code, i) => {
          if (firstHalf[i] === keep) codes[j++] = code;
        });
        return { ...c, codes };
      }
      const values = new Float64Array(rows);
      const valid = new Uint8Array(rows);
      c.values.forEach((v, i) => {
        if (firstHalf[i] !== keep) return;
        values[j] = v;
        valid[j++] = c.valid[i] as number;
      });
      return { ...c, values, valid };
    });
  };
  return [pick(1), pick(0)];
}

async function exportColumns(dir: string, reference: ColumnData[], current: ColumnData[]): Promise<void> {
  const specs = [];
  for (const [i, column] of reference.entries()) {
    const other = current[i] as ColumnData;
    const bytes = (c: ColumnData) => {
      if ('codes' in c) return new Uint8Array(c.codes.buffer);
      const values = c.values.map((v, k) => (c.valid[k] ? v : Number.NaN));
      return new Uint8Array(values.buffer);
    };
    await writeFile(join(dir, `${i}-reference.bin`), bytes(column));
    await writeFile(join(dir, `${i}-current.bin`), bytes(other));
    specs.push({
      name: column.name,
      kind: 'codes' in column ? 'categorical' : 'numeric',
      reference: `${i}-reference.bin`,
      current: `${i}-current.bin`,
      ...('codes' in column ? { dictionary: column.dictionary } : {}),
    });
  }
  await writeFile(join(dir, 'columns.json'), JSON.stringify(specs));
}

interface ScipyResult {
  seconds: number;
  columns: Record<string, { statistic: number; pValue: number | null }>;
}

function runScipy(dir: string): Record<string, ScipyResult> | null {
  if (!existsSync(PYTHON)) return null;
  const out = execFileSync(PYTHON, [join(import.meta.dirname, 'monitor_scipy.py'), dir], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.toString()) as Record<string, ScipyResult>;
}

function maxDiff(report: DriftReport, scipy: ScipyResult): string {
  let stat = 0;
  let p = 0;
  for (const c of report.columns) {
    const ref = scipy.columns[c.column];
    if (!ref || c.statistic === null) continue;
    stat = Math.max(stat, Math.abs(c.statistic - ref.statistic) / Math.max(1, Math.abs(ref.statistic)));
    if (ref.pValue !== null && c.pValue !== undefined) p = Math.max(p, Math.abs(c.pValue - ref.pValue));
  }
  return `max |Δ statistic| (relative above 1) ${stat.toExponential(1)}, max |Δ p| ${p.toExponential(1)}`;
}

const line = (name: string, seconds: number, scipy: number | null) =>
  `${name.padEnd(46)} ${seconds.toFixed(3).padStart(7)} s${scipy ? `  ratio to scipy ${(seconds / scipy).toFixed(2)}x` : ''}`;

// Columns for scipy and for the in-memory timing, read once, untimed.
const setup = await Database.open();
const { dataset, split } = await halves(setup);
const tested = dataset.columns.filter((c) => TESTED.includes(c.name));
const date = dataset.columns.filter((c) => c.name === 'date');
const all = await readColumns(setup, dataset.table, tested, dataset.rowCount);
const [dates] = (await readColumns(setup, dataset.table, date, dataset.rowCount)) as NumericColumn[];
const firstHalf = Uint8Array.from((dates as NumericColumn).values, (ms) => Number(ms < split));
setup.close();
const [refColumns, curColumns] = splitColumns(all, firstHalf);
const dir = await mkdtemp(join(tmpdir(), 'modelgate-bench-monitor-'));
let scipy: Record<string, ScipyResult> | null = null;
try {
  await exportColumns(dir, refColumns, curColumns);
  scipy = runScipy(dir);
} finally {
  await rm(dir, { recursive: true, force: true });
}

console.log(
  `flights-3m.parquet: ${dataset.rowCount.toLocaleString('en-US')} rows, ${dataset.columns.length} columns; ` +
    `reference ${refColumns[0] ? ('codes' in refColumns[0] ? refColumns[0].codes : refColumns[0].values).length : 0} rows (first half by date), median of ${REPEATS} runs`,
);
for (const [name, options] of Object.entries(SETS)) {
  const py = scipy?.[name] ?? null;
  const onlyTested = (d: Dataset): Dataset => ({
    ...d,
    columns: d.columns.filter((c) => TESTED.includes(c.name)),
  });
  const inDuckdb = await timed(halves, async (db, { reference, current }) =>
    detectDrift(
      await profileDataset(db, onlyTested(reference)),
      await profileDataset(db, onlyTested(current)),
      options,
    ),
  );
  const fromFile = await timed(nothing, async (db) => {
    const { reference, current } = await halves(db);
    return detectDrift(await profileDataset(db, reference), await profileDataset(db, current), options);
  });
  const times: number[] = [];
  let inMemory: DriftReport | undefined;
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    inMemory = driftFromSamples(refColumns, curColumns, options);
    times.push((performance.now() - start) / 1000);
  }
  const methods = inDuckdb.result.columns.map((c) => `${c.column} ${c.method}`).join(', ');
  const ref = py?.seconds ?? null;
  console.log(`\n${name}: ${methods}`);
  console.log(
    py ? line('numpy/scipy, columns in memory', py.seconds, null) : `numpy/scipy: ${PYTHON} not found`,
  );
  console.log(line('modelgate monitor, data in DuckDB', inDuckdb.seconds, ref));
  console.log(line('modelgate monitor, Parquet file -> verdict', fromFile.seconds, ref));
  console.log(line('modelgate exact, columns in memory', median(times), ref));
  if (py) {
    console.log(`  exact vs scipy:   ${maxDiff(inMemory as DriftReport, py)}`);
    console.log(`  sketch vs scipy:  ${maxDiff(inDuckdb.result, py)}`);
  }
  const met = fromFile.seconds < 10 && (ref === null || inDuckdb.seconds < ref);
  console.log(`  goal (from DuckDB faster than scipy, from the file under 10 s): ${met ? 'met' : 'missed'}`);
}

const byDay = await timed(halves, async (db, { reference, current }) =>
  monitorDataset(db, await profileDataset(db, reference), current, { time: 'date' }),
);
console.log(
  `\nmonitor by day, reference profile included (${byDay.result.chunks.length} chunks): ${byDay.seconds.toFixed(3)} s\n  ${byDay.result.verdict.headline}`,
);

await printBounds();
