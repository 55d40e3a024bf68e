/**
 * bench:data — profile and validate flights-3m (3M rows, Parquet) and compare
 * with DuckDB's own SUMMARIZE of the same file, measured in the same run.
 * Goal: within 2x of SUMMARIZE.
 */

import {
  checkContract,
  Database,
  inferContract,
  loadDataset,
  profileDataset,
  quoteLiteral,
} from '@modelgate/core';
import { dataset } from '../packages/core/test/datasets.js';

const file = dataset('flights-3m.parquet');
const REPEATS = 3;

async function timed(work: (db: Database) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const db = await Database.open();
    try {
      const start = performance.now();
      await work(db);
      times.push((performance.now() - start) / 1000);
    } finally {
      db.close();
    }
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? Number.NaN;
}

const rows = 3_000_000;
const summarize = await timed((db) => db.rows(`SUMMARIZE SELECT * FROM read_parquet(${quoteLiteral(file)})`));
const profile = await timed(async (db) => {
  const ds = await loadDataset(db, { path: file });
  await profileDataset(db, ds);
});
const validate = await timed(async (db) => {
  const ds = await loadDataset(db, { path: file });
  const contract = await inferContract(db, ds);
  await checkContract(db, ds, contract);
});

const line = (name: string, seconds: number) =>
  `${name.padEnd(42)} ${seconds.toFixed(3).padStart(7)} s  ${Math.round(rows / seconds)
    .toLocaleString('en-US')
    .padStart(12)} rows/s  ratio ${(seconds / summarize).toFixed(2)}x`;

console.log(`flights-3m.parquet: ${rows.toLocaleString('en-US')} rows, median of ${REPEATS} runs`);
console.log(line('DuckDB SUMMARIZE (reference)', summarize));
console.log(line('modelgate profile (load + profile)', profile));
console.log(line('modelgate validate (load + infer + check)', validate));
console.log(
  `goal: within 2x of SUMMARIZE -> profile ${profile / summarize <= 2 ? 'met' : 'missed'}, validate ${validate / summarize <= 2 ? 'met' : 'missed'}`,
);
