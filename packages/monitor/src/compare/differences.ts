import { type Database, quoteIdent, toNumber } from '@modelgate/core';
import type { PairChunk } from './chunks.js';

const TABLE = 'shadow_differences';

/** shadow − production over a chunk's pairs whose two predictions are numbers. */
export interface DifferenceSummary {
  rows: number;
  mean: number;
  std: number;
  meanAbsolute: number;
  maxAbsolute: number;
  /** numpy.quantile's default (linear) 5th, 50th and 95th percentiles. */
  p5: number;
  p50: number;
  p95: number;
}

/**
 * The distribution of the shadow's prediction minus production's, per chunk
 * and for the window (the last entry), summarised in DuckDB.
 */
export async function differenceSummaries(
  db: Database,
  production: Float64Array,
  shadow: Float64Array,
  chunks: readonly PairChunk[],
  window: PairChunk,
): Promise<(DifferenceSummary | null)[]> {
  await db.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(TABLE)} (k INTEGER, d DOUBLE)`);
  await db.append(TABLE, (appender) => {
    const add = (k: number, rows: Int32Array) => {
      for (const i of rows) {
        const d = (shadow[i] as number) - (production[i] as number);
        if (!Number.isFinite(d)) continue;
        appender.appendInteger(k);
        appender.appendDouble(d);
        appender.endRow();
      }
    };
    for (const [k, c] of chunks.entries()) add(k, c.rows);
    add(chunks.length, window.rows);
  });
  const rows = await db.rows<Record<string, unknown>>(
    `SELECT k, count(*) AS n, avg(d) AS mean, stddev_pop(d) AS std, avg(abs(d)) AS mae, max(abs(d)) AS maxabs,
       quantile_cont(d, 0.05) AS p5, quantile_cont(d, 0.5) AS p50, quantile_cont(d, 0.95) AS p95
     FROM ${quoteIdent(TABLE)} GROUP BY k`,
  );
  await db.run(`DROP TABLE ${quoteIdent(TABLE)}`);
  const out: (DifferenceSummary | null)[] = [...chunks, window].map(() => null);
  const num = (v: unknown) => toNumber(v) ?? Number.NaN;
  for (const r of rows) {
    out[num(r.k)] = {
      rows: num(r.n),
      mean: num(r.mean),
      std: num(r.std),
      meanAbsolute: num(r.mae),
      maxAbsolute: num(r.maxabs),
      p5: num(r.p5),
      p50: num(r.p50),
      p95: num(r.p95),
    };
  }
  return out;
}
