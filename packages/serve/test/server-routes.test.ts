import { describe, expect, it } from 'vitest';
import { type PredictionLogEntry, startServer } from '../src/index.js';
import {
  FEATURES,
  inferBody,
  type Json,
  json,
  MODEL,
  metricValue,
  type PenguinRow,
  post,
  scoreInProcess,
  useServeRegistry,
  useServer,
} from './server-fixture.js';

const registry = useServeRegistry('serve-routes');
const logged: PredictionLogEntry[] = [];
const server = useServer(() => ({
  registry: registry().registryDir,
  models: [`${MODEL}#staging`, `${MODEL}@v2`],
  port: 0,
  workers: 2,
  maxBatchSize: 64,
  maxQueueDelayMs: 20,
  // The worker path; the HTTP-thread path is tested below against it.
  inline: 'never',
  bodyLimitBytes: 256 * 1024,
  predictionLog: { record: (entry) => logged.push(entry), close: async () => {} },
}));

const url = (path: string) => `${server().url}${path}`;

/** The same rows through onnxruntime-node in this process: the reference the server must match. */
const inProcess = (version: 'v1' | 'v2', rows: readonly PenguinRow[]) =>
  scoreInProcess(registry().bytes[version], rows);

describe('Open Inference Protocol', () => {
  it('answers health, server and model metadata', async () => {
    expect((await fetch(url('/v2/health/live'))).status).toBe(200);
    expect((await fetch(url('/v2/health/ready'))).status).toBe(200);
    expect(await json(await fetch(url('/v2')))).toMatchObject({
      name: 'modelgate',
      extensions: ['binary_tensor_data'],
    });
    const meta = await json(await fetch(url(`/v2/models/${MODEL}`)));
    expect(meta).toMatchObject({
      name: MODEL,
      versions: ['v1', 'v2'],
      platform: 'onnxruntime_onnx',
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
        { name: 'label', datatype: 'BYTES', shape: [-1] },
      ],
    });
    expect(meta.inputs).toContainEqual({ name: 'Island', datatype: 'BYTES', shape: [-1, 1] });
    expect((await json(await fetch(url(`/v2/models/${MODEL}/versions/v2`)))).parameters.version).toBe('v2');
    expect(await json(await fetch(url(`/v2/models/${MODEL}/versions/v2/ready`)))).toMatchObject({
      ready: true,
    });
    expect((await fetch(url(`/v2/models/${MODEL}/ready`))).status).toBe(200);
    expect((await fetch(url('/v2/models/nope/ready'))).status).toBe(404);
  });

  it('scores like onnxruntime in-process, for each version, echoing the id', async () => {
    const rows = registry().rows.slice(0, 40);
    for (const version of ['v1', 'v2'] as const) {
      const path = version === 'v1' ? `/v2/models/${MODEL}/infer` : `/v2/models/${MODEL}/versions/v2/infer`;
      const response = await post(url(path), inferBody(rows, { id: `req-${version}` }));
      expect(response.status).toBe(200);
      const body = await json(response);
      expect(body).toMatchObject({ model_name: MODEL, model_version: version, id: `req-${version}` });
      const expected = await inProcess(version, rows);
      const [probabilities, label] = body.outputs;
      expect(probabilities).toMatchObject({ name: 'probabilities', datatype: 'FP32', shape: [40, 3] });
      probabilities.data.forEach((p: number, i: number) => {
        expect(p).toBeCloseTo(expected.probabilities[i] as number, 6);
      });
      expect(label).toEqual({ name: 'label', datatype: 'BYTES', shape: [40], data: expected.label });
    }
  });

  it('takes nested data, flat [N] columns and returns only the requested outputs', async () => {
    const body = inferBody(registry().rows.slice(0, 3), { outputs: [{ name: 'label' }] });
    for (const input of body.inputs) {
      if (input.datatype === 'FP32') input.data = (input.data as unknown[]).map((v) => [v]);
      else input.shape = [3];
    }
    const response = await post(url(`/v2/models/${MODEL}/infer`), body);
    expect(response.status).toBe(200);
    const { outputs } = await json(response);
    expect(outputs.map((o: { name: string }) => o.name)).toEqual(['label']);
    expect(outputs[0].data).toEqual((await inProcess('v1', registry().rows.slice(0, 3))).label);
    const curlDefault = await post(url(`/v2/models/${MODEL}/infer`), body, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect((await json(curlDefault)).outputs[0].data).toEqual(outputs[0].data);
  });

  it('speaks the binary tensor data extension both ways', async () => {
    const rows = registry().rows.slice(0, 5);
    const json = inferBody(rows, {
      outputs: [{ name: 'probabilities', parameters: { binary_data: true } }, { name: 'label' }],
    });
    const chunks: Buffer[] = [];
    const mass = json.inputs.find((i) => i.name === 'Body Mass (g)');
    const bytes = Buffer.from(Float32Array.from(mass?.data as number[], (v) => v ?? Number.NaN).buffer);
    Object.assign(mass as object, { parameters: { binary_data_size: bytes.length } });
    delete (mass as { data?: unknown }).data;
    chunks.push(bytes);
    const header = Buffer.from(JSON.stringify(json));
    const response = await post(url(`/v2/models/${MODEL}/infer`), Buffer.concat([header, ...chunks]), {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(header.length),
    });
    expect(response.status).toBe(200);
    const raw = Buffer.from(await response.arrayBuffer());
    const headerLength = Number(response.headers.get('inference-header-content-length'));
    const parsed = JSON.parse(raw.toString('utf8', 0, headerLength));
    expect(parsed.outputs[0]).toMatchObject({
      name: 'probabilities',
      parameters: { binary_data_size: 5 * 3 * 4 },
    });
    const probabilities = new Float32Array(
      raw.buffer.slice(raw.byteOffset + headerLength, raw.byteOffset + raw.length),
    );
    const expected = await inProcess('v1', rows);
    expect(Array.from(probabilities)).toEqual(expected.probabilities);
    expect(parsed.outputs[1].data).toEqual(expected.label);
  });

  it('rejects bad requests with 400 naming the input, unknown models with 404', async () => {
    const rows = registry().rows.slice(0, 2);
    const infer = url(`/v2/models/${MODEL}/infer`);
    const cases: [unknown, RegExp][] = [
      [{ inputs: [] }, /"inputs" must be a non-empty array/],
      [{ ...inferBody(rows), inputs: inferBody(rows).inputs.slice(1) }, /missing input 'Island'/],
      [
        { inputs: inferBody(rows).inputs.map((i) => (i.name === 'Sex' ? { ...i, datatype: 'FP32' } : i)) },
        /input 'Sex': datatype FP32, expected BYTES/,
      ],
      [
        { inputs: inferBody(rows).inputs.map((i) => (i.name === 'Sex' ? { ...i, shape: [3, 1] } : i)) },
        /input 'Sex': data has 2 elements, shape \[3,1\] needs 3/,
      ],
      [
        { inputs: inferBody(rows).inputs.map((i) => (i.name === 'Sex' ? { ...i, shape: [-2, 1] } : i)) },
        /input 'Sex': shape \[-2,1\] has a dimension that is not a non-negative integer/,
      ],
      [
        {
          inputs: inferBody(rows).inputs.map((i) =>
            i.name === 'Body Mass (g)' ? { ...i, data: ['x', 1] } : i,
          ),
        },
        /input 'Body Mass \(g\)': element 0 is 'x', expected a number or null \(FP32\)/,
      ],
      [{ ...inferBody(rows), outputs: [{ name: 'nope' }] }, /unknown output 'nope'/],
    ];
    for (const [body, message] of cases) {
      const response = await post(infer, body);
      expect(response.status).toBe(400);
      expect((await json(response)).error).toMatch(message);
    }
    const badJson = await post(infer, '{"inputs": [');
    expect(badJson.status).toBe(400);
    expect(await json(badJson)).toHaveProperty('error');
    const unknown = await post(url('/v2/models/nope/infer'), inferBody(rows));
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error).toMatch(/no model 'nope'/);
    expect((await post(url(`/v2/models/${MODEL}/versions/v9/infer`), inferBody(rows))).status).toBe(404);
  });

  it('refuses a body over the limit with 413', async () => {
    const response = await post(url(`/v2/models/${MODEL}/infer`), `{"pad": "${'x'.repeat(300 * 1024)}"}`);
    expect(response.status).toBe(413);
    expect(await json(response)).toHaveProperty('error');
    const binary = await post(url(`/v2/models/${MODEL}/infer`), Buffer.alloc(300 * 1024), {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': '2',
    });
    expect(binary.status).toBe(413);
    expect((await json(binary)).error).toMatch(/larger than the server's limit of 262144 bytes/);
  });
});

describe('MLflow scoring protocol', () => {
  const columns = FEATURES.map((f) => f.name);

  it('answers /ping, /health and /version', async () => {
    expect((await fetch(url('/ping'))).status).toBe(200);
    expect((await fetch(url('/health'))).status).toBe(200);
    expect((await json(await fetch(url('/version')))).models).toEqual([
      { name: MODEL, version: 'v1', ref: `${MODEL}#staging` },
      { name: MODEL, version: 'v2', ref: `${MODEL}@v2` },
    ]);
  });

  it('scores every payload format the same as in-process', async () => {
    const rows = registry().rows.slice(100, 104);
    const expected = await inProcess('v1', rows);
    const records = rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null])));
    const csv = [
      columns.map((c) => (c.includes(' ') ? `"${c}"` : c)).join(','),
      ...rows.map((r) => columns.map((c) => String(r[c] ?? '')).join(',')),
    ].join('\n');
    const payloads: [unknown, string][] = [
      [
        { dataframe_split: { columns, data: rows.map((r) => columns.map((c) => r[c] ?? null)) } },
        'application/json',
      ],
      [{ dataframe_records: records }, 'application/json'],
      [{ instances: records }, 'application/json'],
      [
        { inputs: Object.fromEntries(columns.map((c) => [c, rows.map((r) => r[c] ?? null)])) },
        'application/json',
      ],
      [csv, 'text/csv'],
    ];
    for (const [payload, type] of payloads) {
      const response = await post(url('/invocations'), payload, { 'content-type': type });
      expect(response.status, JSON.stringify(payload).slice(0, 40)).toBe(200);
      const { predictions } = await json(response);
      expect(predictions.map((p: { label: string }) => p.label)).toEqual(expected.label);
      expect(predictions[0].probabilities[0]).toBeCloseTo(expected.probabilities[0] as number, 6);
    }
  });

  it('reads true and false in a numeric column as 1 and 0, as modelgate predict does (a boolean column trained on)', async () => {
    const mass = 'Body Mass (g)';
    const rows = registry()
      .rows.slice(110, 114)
      .map((r, i): PenguinRow => ({ ...r, [mass]: i % 2 }));
    const expected = await inProcess('v1', rows);
    const asWord = (r: PenguinRow) => columns.map((c) => (c === mass ? r[c] === 1 : (r[c] ?? null)));
    const split = await post(url('/invocations'), {
      dataframe_split: { columns, data: rows.map(asWord) },
    });
    expect(split.status).toBe(200);
    const csv = [
      columns.map((c) => (c.includes(' ') ? `"${c}"` : c)).join(','),
      ...rows.map((r) =>
        columns.map((c) => (c === mass ? (r[c] === 1 ? ' TRUE' : 'false') : String(r[c] ?? ''))).join(','),
      ),
    ].join('\n');
    const text = await post(url('/invocations'), csv, { 'content-type': 'text/csv' });
    expect(text.status).toBe(200);
    for (const response of [split, text]) {
      const { predictions } = await json(response);
      expect(predictions.map((p: { label: string }) => p.label)).toEqual(expected.label);
      expect(predictions[1].probabilities[0]).toBeCloseTo(expected.probabilities[3] as number, 6);
    }
  });

  it('rejects unknown columns and malformed payloads with 400', async () => {
    for (const [payload, message] of [
      [{ dataframe_records: [{ nope: 1 }] }, /unknown column 'nope'/],
      [{ something: [] }, /expected one of dataframe_split/],
      [{ dataframe_split: { columns: ['Island'], data: [[1, 2]] } }, /row 0 must be an array of 1 values/],
    ] as const) {
      const response = await post(url('/invocations'), payload);
      expect(response.status).toBe(400);
      expect((await json(response)).error).toMatch(message);
    }
  });
});

describe('batching and metrics', () => {
  it('answers each request of a merged batch as if it ran alone', async () => {
    const infer = url(`/v2/models/${MODEL}/infer`);
    const requests = Array.from({ length: 16 }, (_, i) => registry().rows.slice(i * 3, i * 3 + 1 + (i % 3)));
    const alone: Json[] = [];
    for (const rows of requests) alone.push(await json(await post(infer, inferBody(rows))));
    const together = await Promise.all(
      requests.map(async (rows) => json(await post(infer, inferBody(rows)))),
    );
    together.forEach((body, i) => {
      expect(body.outputs).toEqual(alone[i].outputs);
    });
  });

  it('merges concurrent requests into shared batches and counts them', async () => {
    const rows = registry().rows.slice(0, 2);
    const before = await (await fetch(url('/metrics'))).text();
    const batchesBefore = metricValue(before, 'modelgate_batch_size_rows_count', { version: 'v1' });
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        post(url(`/v2/models/${MODEL}/infer`), inferBody(rows, { id: `c${i}` })),
      ),
    );
    const bodies = await Promise.all(responses.map(json));
    bodies.forEach((b, i) => {
      expect(b.id).toBe(`c${i}`);
      expect(b.outputs[1].shape).toEqual([2]);
    });
    const after = await (await fetch(url('/metrics'))).text();
    const batches = metricValue(after, 'modelgate_batch_size_rows_count', { version: 'v1' }) - batchesBefore;
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThan(24);
    expect(
      metricValue(after, 'modelgate_requests_total', { protocol: 'oip', status: '200', version: 'v1' }),
    ).toBeGreaterThanOrEqual(24);
    expect(metricValue(after, 'modelgate_requests_total', { status: '400' })).toBeGreaterThan(0);
    for (const name of [
      'modelgate_request_duration_seconds_count',
      'modelgate_queue_duration_seconds_count',
      'modelgate_model_load_seconds',
    ]) {
      expect(metricValue(after, name), name).toBeGreaterThan(0);
    }
    expect(after).toContain('modelgate_inflight_requests 0');
  });
});

describe('prediction log', () => {
  it('records each scored request with its id, version, input and output columns', async () => {
    const rows = registry().rows.slice(0, 3);
    const response = await post(url(`/v2/models/${MODEL}/versions/v2/infer`), inferBody(rows), {
      'x-request-id': 'log-me',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('log-me');
    const entry = logged.find((e) => e.requestId === 'log-me');
    expect(entry).toMatchObject({ model: MODEL, version: 'v2', rows: 3 });
    expect(Array.from(entry?.inputs.Island ?? [])).toEqual(rows.map((r) => r.Island));
    expect(Array.from(entry?.outputs.label ?? [])).toEqual((await inProcess('v2', rows)).label);
    expect(Object.keys(entry?.outputs ?? {}).sort()).toEqual([
      'label',
      'probability_Adelie',
      'probability_Chinstrap',
      'probability_Gentoo',
    ]);
  });
});

describe('malformed bodies', () => {
  it('answers invalid JSON with 400 on a connection kept open (a reconnect would cost more than the request)', async () => {
    for (const path of [`/v2/models/${MODEL}/infer`, '/invocations']) {
      const response = await post(url(path), '{"inputs": [{"name": "Isl');
      expect(response.status).toBe(400);
      expect(response.headers.get('connection')).toBe('keep-alive');
      expect(await json(response)).toEqual({
        error: expect.stringMatching(/^the request body is not valid JSON: /),
      });
    }
  });
});

describe('inference on the HTTP thread (inline)', () => {
  it('answers merged and lone requests as the workers do, and counts its batches', async () => {
    const inline = await startServer({
      registry: registry().registryDir,
      models: [`${MODEL}#staging`, `${MODEL}@v2`],
      port: 0,
      workers: 1,
      maxQueueDelayMs: 20,
      inline: 'always',
    });
    try {
      for (const version of ['v1', 'v2'] as const) {
        const path = `/v2/models/${MODEL}/versions/${version}/infer`;
        const requests = Array.from({ length: 16 }, (_, i) =>
          registry().rows.slice(i * 3, i * 3 + 1 + (i % 3)),
        );
        const before = metricValue(
          await (await fetch(`${inline.url}/metrics`)).text(),
          'modelgate_batch_size_rows_count',
        );
        const together = await Promise.all(
          requests.map(async (rows) => json(await post(`${inline.url}${path}`, inferBody(rows)))),
        );
        for (const [i, rows] of requests.entries()) {
          const expected = await inProcess(version, rows);
          expect(together[i].outputs[1].data).toEqual(expected.label);
          together[i].outputs[0].data.forEach((p: number, k: number) => {
            expect(p).toBeCloseTo(expected.probabilities[k] as number, 6);
          });
          const alone = await json(await post(url(path), inferBody(rows)));
          expect(together[i].outputs).toEqual(alone.outputs);
        }
        const batches =
          metricValue(
            await (await fetch(`${inline.url}/metrics`)).text(),
            'modelgate_batch_size_rows_count',
          ) - before;
        expect(batches).toBeGreaterThan(0);
        expect(batches).toBeLessThan(16);
      }
    } finally {
      await inline.close();
    }
  });

  it('chooses per model from a measured run and hop, and says so', async () => {
    const logs: {
      event?: string;
      model?: string;
      inline?: boolean;
      runMicros?: number;
      hopMicros?: number;
    }[] = [];
    const auto = await startServer({
      registry: registry().registryDir,
      models: [`${MODEL}#staging`],
      port: 0,
      workers: 1,
      log: (line) => logs.push(line),
    });
    try {
      const choice = logs.find((l) => l.event === 'inference-thread');
      expect(choice).toMatchObject({ model: `${MODEL}@v1`, inline: expect.any(Boolean) });
      expect(choice?.runMicros).toBeGreaterThan(0);
      expect(choice?.inline).toBe((choice?.runMicros ?? 0) < (choice?.hopMicros ?? 0));
      const response = await post(
        `${auto.url}/v2/models/${MODEL}/infer`,
        inferBody(registry().rows.slice(0, 3)),
      );
      expect(response.status).toBe(200);
    } finally {
      await auto.close();
    }
  });
});
