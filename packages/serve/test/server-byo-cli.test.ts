import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../cli/test/run-cli.js';
import { BYO_DIR, byoFixtures } from './byo-fixtures.js';
import { freePort, waitReady } from './cli-server.js';
import { json } from './server-fixture.js';

/** The server's JSON log lines go straight to stderr, outside what runCli captures. */
function captureStderr(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** `modelgate serve` of one fixture on a free port with one worker, until SIGTERM. */
async function serveFixture(file: string, flags: string[] = []) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ['serve', '--model', join(BYO_DIR, file), ...flags, '--port', String(port), '--workers', '1'];
  return { url, run: runCli(args) };
}

describe('modelgate serve with a bare ONNX file', () => {
  it('takes --features and --classes: named columns in, class names out', async () => {
    const { rows, models } = await byoFixtures();
    const expected = models['packed-label-int'];
    const { url, run } = await serveFixture('packed-label-int.onnx', [
      '--features',
      expected.features.join(','),
      '--classes',
      (expected.classes ?? []).join(','),
    ]);
    try {
      await waitReady(url);
      const records = rows.map((r) => Object.fromEntries(expected.features.map((f) => [f, r[f] ?? null])));
      const response = await fetch(`${url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dataframe_records: records }),
      });
      expect(response.status).toBe(200);
      const { predictions } = await json(response);
      expect(predictions.map((p: { label: string }) => p.label)).toEqual(expected.labels);
      const meta = await json(await fetch(`${url}/v2/models/packed-label-int`));
      expect(meta.parameters).toMatchObject({
        task: 'multiclass',
        classes: expected.classes,
        spec_source: 'flags',
      });
    } finally {
      process.emit('SIGTERM');
    }
    expect((await run).code).toBe(0);
  });

  it('without a spec serves raw tensors and warns on stderr what a spec adds', async () => {
    const stderr = captureStderr();
    const { url, run } = await serveFixture('packed-probabilities.onnx');
    try {
      await waitReady(url);
      const meta = await json(await fetch(`${url}/v2/models/packed-probabilities`));
      expect(meta.outputs.map((o: { name: string }) => o.name)).toEqual(['probabilities']);
    } finally {
      process.emit('SIGTERM');
    }
    expect((await run).code).toBe(0);
    const warning = stderr.map((l) => JSON.parse(l)).find((l) => l.event === 'no-spec');
    expect(warning).toMatchObject({ level: 'warn', model: 'packed-probabilities@v1' });
    expect(warning.message).toMatch(/--features a,b,c with --classes x,y/);
  });

  it('exits 2 naming the model when the flags do not fit it', async () => {
    const run = await runCli([
      'serve',
      '--model',
      join(BYO_DIR, 'packed-probabilities.onnx'),
      '--features',
      'a,b',
      '--classes',
      'x,y,z',
      '--port',
      '0',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/packed-probabilities\.onnx: model input 'input' has width 4, expected 2/);
  });
});
