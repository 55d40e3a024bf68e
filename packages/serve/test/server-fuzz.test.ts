import { describe, expect, it } from 'vitest';
import {
  inferBody,
  MODEL,
  metricValue,
  type PenguinRow,
  post,
  useServeRegistry,
  useServer,
} from './server-fixture.js';

const registry = useServeRegistry('serve-fuzz');
const server = useServer(() => ({
  registry: registry().registryDir,
  models: [`${MODEL}#staging`],
  port: 0,
  workers: 2,
  bodyLimitBytes: 512 * 1024,
}));

/** mulberry32: the fuzz cases are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Case = { path: string; body: string | Uint8Array; headers?: Record<string, string> };

function makeCases(rows: readonly PenguinRow[], count: number): Case[] {
  const random = seeded(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (n: number) => Math.floor(random() * n);
  const weird: unknown[] = [
    null,
    true,
    -1,
    0,
    1.5,
    1e308,
    -1e308,
    '',
    'x',
    [],
    {},
    [[[]]],
    { a: 1 },
    '1',
    2 ** 53 + 7,
  ];
  const shapes: unknown[] = [
    [-1, 1],
    [0, 1],
    [1e12, 1],
    [2 ** 31, 2 ** 31],
    [1.5, 1],
    ['2', 1],
    [],
    [1, 1, 1, 1, 1, 1, 1, 1, 1],
    null,
    'x',
    [3],
  ];
  const paths = [
    `/v2/models/${MODEL}/infer`,
    `/v2/models/${MODEL}/versions/v1/infer`,
    `/v2/models/${MODEL}/versions/v99/infer`,
    '/v2/models/unknown/infer',
    '/v2/models/..%2F..%2Fetc/infer',
    `/v2/models/${MODEL}/versions/%00/infer`,
    '/invocations',
    '/v2/models//infer',
  ];
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + int(4);
    const start = int(rows.length - n);
    // The fuzzer writes anything into the fields, whatever their types.
    const body = inferBody(rows.slice(start, start + n), { id: `f${i}` }) as unknown as Record<
      string,
      unknown
    > & {
      inputs: Record<string, unknown>[];
    };
    const input = pick(body.inputs);
    const path = random() < 0.8 ? (paths[int(2)] as string) : pick(paths);
    switch (int(14)) {
      case 0:
        cases.push({ path, body: JSON.stringify(body).slice(0, int(400)) });
        continue;
      case 1:
        cases.push({ path, body: Uint8Array.from({ length: int(300) }, () => int(256)) });
        continue;
      case 2:
        input.datatype = pick(['FP64', 'INT64', 'BOOL', 'BYTES', 'FP32', 'nope', 7, null]);
        break;
      case 3:
        input.shape = pick(shapes);
        break;
      case 4:
        input.data = (input.data as unknown[]).map((v) => (random() < 0.5 ? pick(weird) : v));
        break;
      case 5:
        input.data = (input.data as unknown[]).slice(0, int(n));
        break;
      case 6:
        body.inputs = body.inputs.filter((x) => x !== input);
        break;
      case 7:
        body.inputs.push({ ...input, name: random() < 0.5 ? input.name : `x${i}` });
        break;
      case 8:
        body.id = pick(weird);
        body.outputs = pick([[{ name: 'nope' }], 'label', [null], [{ name: 'label', parameters: 5 }]]);
        break;
      case 9:
        cases.push({
          path,
          body: `{"inputs":[{"name":"Island","datatype":"BYTES","shape":[1,1],"data":${'['.repeat(20_000)}${']'.repeat(20_000)}}]}`,
        });
        continue;
      case 10: {
        const header = Buffer.from(
          JSON.stringify({
            inputs: [
              { ...input, data: undefined, parameters: { binary_data_size: pick([-1, 4, 1e9, 'x', 0]) } },
            ],
          }),
        );
        cases.push({
          path,
          body: Buffer.concat([header, Buffer.alloc(int(16))]),
          headers: {
            'content-type': 'application/octet-stream',
            'inference-header-content-length': String(
              pick([header.length, -5, 1e9, 'abc', header.length + 3]),
            ),
          },
        });
        continue;
      }
      case 11:
        cases.push({
          path: '/invocations',
          body: JSON.stringify(
            pick([
              {
                dataframe_split: {
                  columns: pick([['Island'], 'x', null]),
                  data: pick([[[1]], [[null, 2]], 'x']),
                },
              },
              { dataframe_records: pick([[1, 2], [{ Island: {} }], 'x', [{ 'Body Mass (g)': 'heavy' }]]) },
              { instances: pick([[], {}, [null]]) },
              { inputs: pick([{ Island: 'Dream' }, { Island: ['Dream'], Sex: [] }]) },
            ]),
          ),
        });
        continue;
      case 12:
        cases.push({
          path: '/invocations',
          body: pick(['a,b\n1', '"unclosed\n', 'Island\nDream\n', '', '\n\n']),
          headers: { 'content-type': 'text/csv' },
        });
        continue;
      default:
        break;
    }
    cases.push({ path, body: JSON.stringify(body) });
  }
  return cases;
}

describe('fuzzing the server with malformed requests', () => {
  it('answers thousands of them without a crash or an unplanned 5xx', async () => {
    const base = server().url;
    const cases = makeCases(registry().rows, 2000);
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const batchedRows = async () =>
      metricValue(await (await fetch(`${base}/metrics`)).text(), 'modelgate_batch_size_rows_sum');
    const rowsBefore = await batchedRows();
    let answeredRows = 0;
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++] as Case;
        const response = await post(`${base}${c.path}`, c.body, c.headers ?? {});
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500 && response.status !== 503)
          failures.push(`${response.status} ${c.path}: ${text}`);
        if (response.status >= 400 && !text.startsWith('{"error":'))
          failures.push(`${response.status} without {"error"}: ${text.slice(0, 80)}`);
        if (response.status === 200) {
          const answer = JSON.parse(text);
          answeredRows += answer.predictions?.length ?? answer.outputs[0].shape[0];
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    // Only the rows of answered requests reached a worker: every malformed one was refused before.
    expect(await batchedRows()).toBe(rowsBefore + answeredRows);
    expect(failures.slice(0, 5)).toEqual([]);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(600);
    expect(statuses.get(404) ?? 0).toBeGreaterThan(10);
    const health = await fetch(`${base}/v2/health/ready`);
    expect(health.status).toBe(200);
    const ok = await post(`${base}/v2/models/${MODEL}/infer`, inferBody(registry().rows.slice(0, 3)));
    expect(ok.status).toBe(200);
  });
});
