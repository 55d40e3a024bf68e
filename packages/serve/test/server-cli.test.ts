import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/test/run-cli.js';
import { useTempDir } from '../../core/test/fixtures.js';
import { startServer } from '../src/index.js';
import { freePort, waitReady } from './cli-server.js';
import { inferBody, json } from './server-fixture.js';

/** The repository's own registry: penguins-species v1 in staging. */
const REGISTRY = fileURLToPath(new URL('../../../registry', import.meta.url));
const temp = useTempDir('serve-cli');

describe('modelgate serve', () => {
  it('serves until SIGTERM, reloads on SIGHUP, then drains and exits 0', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const log = temp.path('prediction-log');
    const run = runCli([
      'serve',
      '--registry',
      REGISTRY,
      '--model',
      'penguins-species#staging',
      '--port',
      String(port),
      '--workers',
      '1',
      '--prediction-log',
      log,
    ]);
    await waitReady(url);
    const response = await fetch(`${url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'Island,Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Body Mass (g),Sex\nBiscoe,39.1,18.7,181,3750,MALE\n',
    });
    expect(response.status).toBe(200);
    expect((await json(response)).predictions[0].label).toBe('Adelie');
    process.emit('SIGHUP');
    process.emit('SIGTERM');
    const result = await run;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('modelgate serve: stopped on SIGTERM after draining in-flight requests');
    await expect(fetch(`${url}/ping`)).rejects.toThrow();
    // By default the answered request is counted in the per-minute aggregates, not written as a line.
    const files = await readdir(join(log, 'penguins-species'));
    expect(files.filter((f) => f.startsWith('requests-'))).toEqual([]);
    const serving = files.find((f) => f.startsWith('serving-')) as string;
    const minutes = JSON.parse(await readFile(join(log, 'penguins-species', serving), 'utf8')).minutes;
    expect(minutes.map((m: { count: number; status: { '2xx': number } }) => m.status['2xx'])).toEqual([1]);
  });

  it('exits 2 naming the bad reference or flag', async () => {
    const missing = await runCli([
      'serve',
      '--registry',
      REGISTRY,
      '--model',
      'penguins-species#production',
      '--port',
      '0',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/penguins-species has no version in production yet/);
    const badPort = await runCli([
      'serve',
      '--registry',
      REGISTRY,
      '--model',
      'penguins-species',
      '--port',
      'x',
    ]);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toMatch(/--port 'x': expected an integer/);
    const badShare = await runCli([
      'serve',
      '--model',
      'model.onnx',
      '--prediction-log',
      temp.path('unused'),
      '--request-lines',
      '2',
    ]);
    expect(badShare.code).toBe(2);
    expect(badShare.stderr).toMatch(/--request-lines '2': expected a share from 0 to 1/);
  });
});

describe('serving a plain ONNX file', () => {
  it('serves it under its file name, version v1, without a registry', async () => {
    const server = await startServer({
      models: [`${REGISTRY}/penguins-species/versions/v1/model.onnx`],
      port: 0,
      workers: 1,
    });
    try {
      const row = { Island: 'Biscoe', 'Beak Length (mm)': 39.1, 'Beak Depth (mm)': 18.7 };
      const rows = [{ ...row, 'Flipper Length (mm)': 181, 'Body Mass (g)': 3750, Sex: 'MALE' }];
      const response = await fetch(`${server.url}/v2/models/model/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(inferBody(rows)),
      });
      const body = await json(response);
      expect(body).toMatchObject({ model_name: 'model', model_version: 'v1' });
      expect(body.outputs[1].data).toEqual(['Adelie']);
      expect((await json(await fetch(`${server.url}/v2/models/model`))).parameters.classes).toEqual([
        'Adelie',
        'Chinstrap',
        'Gentoo',
      ]);
    } finally {
      await server.close();
    }
  });
});

describe('the access log', () => {
  it('logs a line per request only when asked to', async () => {
    const lines = async (accessLog: boolean) => {
      const logged: { event?: string; url?: string; status?: number }[] = [];
      const server = await startServer({
        models: [`${REGISTRY}/penguins-species/versions/v1/model.onnx`],
        port: 0,
        workers: 1,
        accessLog,
        log: (line) => logged.push(line),
      });
      try {
        expect((await fetch(`${server.url}/v2/models/model`)).status).toBe(200);
        expect((await fetch(`${server.url}/v2/models/nope`)).status).toBe(404);
      } finally {
        await server.close();
      }
      return logged.filter((l) => l.event === 'request').map(({ url, status }) => ({ url, status }));
    };
    expect(await lines(true)).toEqual([
      { url: '/v2/models/model', status: 200 },
      { url: '/v2/models/nope', status: 404 },
    ]);
    expect(await lines(false)).toEqual([]);
  });
});
