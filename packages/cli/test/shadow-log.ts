import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPredictionLog } from '@modelgate/serve';
import { dataset } from '../../core/test/datasets.js';

/** A model's output columns for the rows of one request. */
export type Outputs = Record<string, (number | string)[]>;

export interface LoggedRequest {
  id: string;
  time: Date;
  inputs: Record<string, (number | string)[]>;
  production: Outputs | null;
  shadow: Outputs | null;
  /** The shadow's scoring time for the request. */
  shadowMs?: number;
  /** The production answer's latency. */
  productionMs?: number;
}

/**
 * Writes requests through the server's own prediction log writer, as
 * `serve --shadow` records them: production entries, shadow entries with the
 * same request id under the production model's directory, and the answers'
 * request series.
 */
export async function writeShadowLog(dir: string, model: string, requests: readonly LoggedRequest[]) {
  const log = createPredictionLog({ dir, flushIntervalMs: 60_000 });
  for (const r of requests) {
    const rows = Object.values(r.inputs)[0]?.length ?? 0;
    const entry = { time: r.time, requestId: r.id, model, rows, inputs: r.inputs };
    if (r.production) {
      log.record({ ...entry, version: 'v1', outputs: r.production, role: 'production' });
      log.request?.({
        time: r.time,
        requestId: r.id,
        model,
        version: 'v1',
        status: 200,
        latencyMs: r.productionMs ?? 2,
        rows,
      });
    }
    if (r.shadow) {
      log.record({
        ...entry,
        version: 'v2',
        outputs: r.shadow,
        role: 'shadow',
        shadowOf: model,
        latencyMs: r.shadowMs ?? 3,
      });
    }
  }
  await log.close();
  return join(dir, model);
}

export interface Penguin {
  species: string;
  beak: number;
  depth: number;
  flipper: number;
}

/** The penguins of vega-datasets with every measurement present. */
export async function penguins(): Promise<Penguin[]> {
  const raw = JSON.parse(await readFile(dataset('penguins.json'), 'utf8')) as Record<string, unknown>[];
  return raw.flatMap((p) => {
    const [beak, depth, flipper] = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)'].map(
      (k) => p[k],
    );
    return typeof beak === 'number' && typeof depth === 'number' && typeof flipper === 'number'
      ? [{ species: String(p.Species), beak, depth, flipper }]
      : [];
  });
}

export interface Car {
  mpg: number;
  horsepower: number;
  weight: number;
}

/** The cars of vega-datasets with miles per gallon, horsepower and weight. */
export async function cars(): Promise<Car[]> {
  const raw = JSON.parse(await readFile(dataset('cars.json'), 'utf8')) as Record<string, unknown>[];
  return raw.flatMap((c) =>
    typeof c.Miles_per_Gallon === 'number' &&
    typeof c.Horsepower === 'number' &&
    typeof c.Weight_in_lbs === 'number'
      ? [{ mpg: c.Miles_per_Gallon, horsepower: c.Horsepower, weight: c.Weight_in_lbs }]
      : [],
  );
}

/** Labels as a CSV the way they arrive late: request id, row within it, and the truth. */
export async function writeLabels(file: string, column: string, rows: [string, number, string | number][]) {
  const lines = [`request_id,row,${column}`, ...rows.map(([id, row, y]) => `${id},${row},${y}`)];
  await writeFile(file, `${lines.join('\n')}\n`);
}
