// Makes the flights example's data from vega-datasets' flights-3m.parquet
// (US domestic flights, January to June 2001): a training window of
// January and two weeks of June as "production" days, with the labels of
// those days arriving separately. Run from the repository root:
//   node examples/flights/make-data.mjs
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, '../../node_modules/vega-datasets/data/flights-3m.parquet');
const literal = (s) => `'${s.replaceAll("'", "''")}'`;

const db = await (await DuckDBInstance.create(':memory:')).connect();
const run = (sql) => db.run(sql);

// Deterministic samples: a hash of the row's content decides, not a random draw.
await run(`
  CREATE TABLE flights AS
  SELECT
    printf('F%07d', row_number() OVER (ORDER BY date, origin, destination, delay, distance)) AS flight_id,
    date,
    hour(date) AS hour,
    dayname(date) AS weekday,
    distance,
    origin,
    destination,
    CASE WHEN delay > 15 THEN 'yes' ELSE 'no' END AS delayed
  FROM read_parquet(${literal(source)})
  WHERE origin IN (SELECT origin FROM read_parquet(${literal(source)}) GROUP BY ALL ORDER BY count(*) DESC LIMIT 12)
`);
// 4 % of January to train on; 15 % of two weeks of June as production traffic.
await run(`
  CREATE TABLE sampled AS SELECT * FROM flights
  WHERE (month(date) = 1 AND hash(flight_id) % 1000 < 40)
     OR (date >= DATE '2001-06-01' AND date < DATE '2001-06-15' AND hash(flight_id) % 1000 < 150)`);

await rm(join(here, 'data'), { recursive: true, force: true });
await rm(join(here, 'production'), { recursive: true, force: true });
await mkdir(join(here, 'data'), { recursive: true });
await mkdir(join(here, 'production'), { recursive: true });

const copy = (select, file) =>
  run(`COPY (${select}) TO ${literal(join(here, file))} (FORMAT parquet, COMPRESSION zstd)`);

// Training window: January 2001.
await copy(
  `SELECT * FROM sampled WHERE month(date) = 1 ORDER BY date, flight_id`,
  'data/flights-2001-01.parquet',
);
// Production: a week of June, one file per day, without the outcome...
for (let day = 1; day <= 14; day++) {
  const d = `2001-06-${String(day).padStart(2, '0')}`;
  await copy(
    `SELECT * EXCLUDE (delayed) FROM sampled WHERE CAST(date AS DATE) = DATE ${literal(d)} ORDER BY date, flight_id`,
    `production/flights-${d}.parquet`,
  );
}
// ...which arrives later, by flight id.
await copy(
  `SELECT flight_id, delayed FROM sampled WHERE date >= DATE '2001-06-01' AND date < DATE '2001-06-15' ORDER BY flight_id`,
  'production/labels.parquet',
);

const summary = await db.runAndReadAll(`
  SELECT month(date) AS month, count(*) AS rows, round(avg((delayed = 'yes')::INT), 3) AS late_share
  FROM sampled GROUP BY ALL ORDER BY month`);
console.table(
  summary.getRowObjects().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]))),
);
