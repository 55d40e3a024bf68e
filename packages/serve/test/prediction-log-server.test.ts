import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readProfile } from '@modelgate/core';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { createPredictionLog, listPredictionLog } from '../src/prediction-log/index.js';
import { startServer } from '../src/server/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const REGISTRY = join(here, '../../../registry');
const temp = useTempDir('prediction-log-server');

const PENGUINS = {
  Island: ['Biscoe', 'Dream', 'Torgersen'],
  'Beak Length (mm)': [48.7, 39.5, 38.9],
  'Beak Depth (mm)': [14.1, 17.8, 17.8],
  'Flipper Length (mm)': [210, 188, 181],
  'Body Mass (g)': [4450, 3300, 3625],
  Sex: ['FEMALE', 'FEMALE', null],
};

describe('prediction log behind the server', () => {
  it('logs what the server scored, and the server closing flushes it', async () => {
    const dir = temp.path('log');
    const log = createPredictionLog({ dir, flushIntervalMs: 3_600_000, requestLines: 1 });
    const server = await startServer({
      registry: REGISTRY,
      models: ['penguins-species#staging'],
      host: '127.0.0.1',
      port: 0,
      predictionLog: log,
    });
    try {
      const inputs = Object.entries(PENGUINS).map(([name, data]) => ({
        name,
        shape: [3, 1],
        datatype: typeof data[0] === 'string' ? 'BYTES' : 'FP32',
        data: data.map((v) => v ?? ''),
      }));
      const response = await fetch(`${server.url}/v2/models/penguins-species/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'req-7', inputs }),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      const refused = await fetch(`${server.url}/v2/models/penguins-species/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: inputs.slice(1) }),
      });
      expect(refused.status).toBe(400);
    } finally {
      await server.close();
    }
    const [hour] = await listPredictionLog(dir, 'penguins-species');
    const lines = (await readFile(hour?.predictions[0] ?? '', 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.request_id, l.model, l.version, l.row])).toEqual([
      ['req-7', 'penguins-species', 'v1', 0],
      ['req-7', 'penguins-species', 'v1', 1],
      ['req-7', 'penguins-species', 'v1', 2],
    ]);
    expect(lines[0].inputs.Island).toBe('Biscoe');
    // A missing category reaches the model as '' and is logged as the null it was.
    expect(lines[2].inputs.Sex).toBeNull();
    const requests = (await readFile(join(dir, 'penguins-species', `requests-${hour?.hour}Z.jsonl`), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(requests.map((r) => [r.request_id, r.version, r.status])).toEqual([
      ['req-7', 'v1', 200],
      [null, 'v1', 400],
    ]);
    expect(requests[0].latency_ms).toBeGreaterThan(0);
    expect(lines[1].inputs['Beak Length (mm)']).toBeCloseTo(39.5, 5);
    expect(typeof lines[0].outputs.label).toBe('string');
    const profile = await readProfile(hour?.profile ?? '');
    expect(profile.rows).toBe(3);
    expect(profile.columns.Island?.kind).toBe('categorical');
    expect(profile.columns['Body Mass (g)']).toMatchObject({ kind: 'numeric', count: 3 });
    expect(profile.columns.label?.kind).toBe('categorical');
  });
});
