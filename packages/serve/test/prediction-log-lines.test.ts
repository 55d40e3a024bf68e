import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BufferedRequest,
  bufferRequest,
  type LoggedColumns,
  requestLines,
} from '../src/prediction-log/rows.js';
import { loadModelVersion, type ModelVersion, resolveModelRef } from '../src/server/models.js';
import { feeds, servingSessionOptions, toTensorData } from '../src/server/onnx-session.js';
import { predictionEntry } from '../src/server/prediction-entry.js';
import { servedOutputs } from '../src/server/served-outputs.js';
import { type ShadowCopy, scoreShadowCopies } from '../src/server/shadow/shadow-scoring.js';
import { openServingSession } from '../src/server/sync-session.js';
import { concatRows, rowsOf, type TensorData } from '../src/server/tensor.js';

const REGISTRY = fileURLToPath(new URL('../../../registry', import.meta.url));

/** The line format's definition: JSON.stringify of the row object, as the log wrote it before. */
function stringified(request: BufferedRequest): string[] {
  const rowOf = (columns: LoggedColumns, i: number) => {
    const row: Record<string, unknown> = {};
    for (const [name, values] of Object.entries(columns)) row[name] = values[i] ?? null;
    return row;
  };
  return Array.from(
    { length: request.rows },
    (_, i) =>
      `${JSON.stringify({
        time: request.time.toISOString(),
        request_id: request.requestId,
        model: request.model,
        version: request.version,
        ...(request.role !== undefined ? { role: request.role } : {}),
        row: i,
        inputs: rowOf(request.inputs, i),
        outputs: rowOf(request.outputs, i),
        ...(request.latencyMs !== undefined
          ? { latency_ms: Math.round(request.latencyMs * 1000) / 1000 }
          : {}),
      })}\n`,
  );
}

describe('prediction log lines', () => {
  it('are exactly the row objects as JSON.stringify writes them, whatever the values and names', () => {
    const awkward = [
      1e21,
      1e-7,
      -0,
      0.1 + 0.2,
      Number.MAX_SAFE_INTEGER,
      5e-324,
      -1.5e300,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      'plain',
      'quote " backslash \\ slash /',
      'line\nbreak\ttab\u0001\u001f',
      'ünïcödé ✓ 🐧',
      'lone \ud800 surrogate',
      '',
      null,
      true,
      false,
      [1, [2, null], 'x'],
      { a: 1, b: [true] },
      undefined,
    ];
    const n = awkward.length;
    const rotated = (by: number) => Array.from({ length: n }, (_, i) => awkward[(i + by) % n]);
    const entry = {
      time: new Date('2026-03-04T05:06:07.089Z'),
      requestId: 'id "with" quotes\n',
      model: 'pénguins',
      version: 'v12',
      rows: n,
      inputs: {
        'Beak Length (mm)': Float32Array.from({ length: n }, (_, i) => i / 3),
        // Integer-like names come first in an object's order, whatever order they were added in.
        '10': rotated(1),
        '2': rotated(2),
        'quoted "name"\n': rotated(3),
        '✓': rotated(4),
        short: [1, 2],
      },
      outputs: {
        label: rotated(5),
        probability_Adelie: Float64Array.from({ length: n }, (_, i) => 1 / (i + 1)),
      },
    };
    for (const extra of [
      {},
      { role: 'production' as const },
      { role: 'shadow' as const, shadowOf: 'penguins', latencyMs: 12.34567891 },
      { role: 'shadow' as const, shadowOf: 'penguins', latencyMs: 0 },
    ]) {
      const request = bufferRequest({ ...entry, ...extra });
      const lines = requestLines(request);
      expect(lines).toEqual(stringified(request));
      expect(lines).toHaveLength(n);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    }
    expect(requestLines(bufferRequest({ ...entry, rows: 0 }))).toEqual([]);
  });
});

describe('a shadow batch’s log lines', () => {
  let model: ModelVersion;
  let score: (inputs: TensorData[]) => Promise<TensorData[]>;

  beforeAll(async () => {
    model = await loadModelVersion(REGISTRY, await resolveModelRef(REGISTRY, 'penguins-species#staging'), {});
    const session = await openServingSession(model.bytes, servingSessionOptions(1, 'cpu'), 'cpu');
    const outputs = model.signature.outputs.map((o) => o.name);
    score = async (inputs) => {
      const results = await session.run(feeds(inputs), outputs);
      return outputs.map((name) => toTensorData(name, results[name] as never));
    };
  });

  /** A copy of `rows` rows: its own island, sex and measurements (a missing sex and beak length among them). */
  function copyInputs(k: number, rows: number): TensorData[] {
    const column = (name: string, values: number[] | string[]): TensorData =>
      typeof values[0] === 'string'
        ? { name, type: 'string', dims: [rows, 1], data: values as string[] }
        : { name, type: 'float32', dims: [rows, 1], data: Float32Array.from(values as number[]) };
    const each = <T>(f: (r: number) => T) => Array.from({ length: rows }, (_, r) => f(r));
    return model.signature.inputs.map((input) => {
      switch (input.name) {
        case 'Island':
          return column(
            input.name,
            each((r) => ['Biscoe', 'Dream', 'Torgersen'][(k + r) % 3] as string),
          );
        case 'Sex':
          return column(
            input.name,
            each((r) => ((k + r) % 4 === 0 ? '' : 'FEMALE')),
          );
        case 'Beak Length (mm)':
          return column(
            input.name,
            each((r) => ((k + r) % 5 === 0 ? Number.NaN : 35 + k + r / 10)),
          );
        default:
          return column(
            input.name,
            each((r) => 17 + k * 100 + r),
          );
      }
    });
  }

  it('are each copy’s lines as the log writes a shadow entry, by hour, for the logged copies only', async () => {
    const hour = Date.parse('2026-12-06T21:59:59.900Z');
    const copies: ShadowCopy[] = [
      { requestId: 'a', answeredMs: hour, rows: 1, log: true },
      { requestId: 'b', answeredMs: hour + 50, rows: 3, log: false },
      { requestId: 'c', answeredMs: hour + 99, rows: 2, log: true },
      // The next hour's file.
      { requestId: 'd', answeredMs: hour + 200, rows: 4, log: true },
      { requestId: 'a', answeredMs: hour + 300, rows: 1, log: true },
    ];
    const own = copies.map((copy, k) => copyInputs(k, copy.rows));
    const inputs = own[0]?.map((_, i) =>
      concatRows(
        own.map((tensors) => tensors[i] as TensorData),
        (bytes) => new ArrayBuffer(bytes),
      ),
    ) as TensorData[];
    const raw = await score(inputs);
    const sentAt = 1_000;
    const result = scoreShadowCopies(
      model,
      { shadowOf: 'penguins-species', copies, sentAt, lines: true },
      inputs,
      raw,
      sentAt + 7.25,
    );
    expect(result.errors).toEqual(copies.map(() => null));
    expect(result.latencyMs).toBe(7.25);

    const expected = new Map<string, { requests: number; lines: string[] }>();
    let offset = 0;
    for (const copy of copies) {
      const rows = rowsOf(inputs, offset, copy.rows);
      const outputs = servedOutputs(model, rows, rowsOf(raw, offset, copy.rows), copy.rows);
      offset += copy.rows;
      if (!copy.log) continue;
      const time = new Date(copy.answeredMs);
      const request = bufferRequest({
        ...predictionEntry(model, copy.requestId, rows, outputs, copy.rows),
        time,
        role: 'shadow',
        shadowOf: 'penguins-species',
        latencyMs: 7.25,
      });
      const key = time.toISOString().slice(0, 13);
      const group = expected.get(key) ?? { requests: 0, lines: [] };
      group.requests += 1;
      group.lines.push(...stringified(request));
      expected.set(key, group);
    }
    expect(
      result.lines.map((group) => ({
        shadowOf: group.shadowOf,
        hour: group.hour,
        requests: group.requests,
        rows: group.rows,
        text: new TextDecoder().decode(group.data),
      })),
    ).toEqual(
      [...expected].map(([hourKey, group]) => ({
        shadowOf: 'penguins-species',
        hour: hourKey,
        requests: group.requests,
        rows: group.lines.length,
        text: group.lines.join(''),
      })),
    );
    expect(result.lines.map((group) => group.hour)).toEqual(['2026-12-06T21', '2026-12-06T22']);
    // The missing sex and beak length are logged as null, as the user sent them.
    const first = JSON.parse(new TextDecoder().decode(result.lines[0]?.data).split('\n')[0] as string);
    expect(first.inputs).toMatchObject({ Sex: null, 'Beak Length (mm)': null });
  });

  it('writes no lines when the log takes none', async () => {
    const copies: ShadowCopy[] = [{ requestId: 'a', answeredMs: Date.now(), rows: 2, log: true }];
    const inputs = copyInputs(0, 2);
    const result = scoreShadowCopies(
      model,
      { shadowOf: 'penguins-species', copies, sentAt: 0, lines: false },
      inputs,
      await score(inputs),
      1,
    );
    expect(result).toMatchObject({ errors: [null], lines: [] });
  });
});
