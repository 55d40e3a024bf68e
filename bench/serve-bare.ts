/**
 * The protocol limit bench:serve measures the model server against: a bare
 * node:http server, one process, that does what each protocol requires of a
 * tabular classifier's request and nothing else: read the body, parse it,
 * check the input's name, datatype, shape and element types into a
 * Float32Array, and answer a response of the same shape and size as the
 * model server's (probabilities [N, 2] and a label per row), with a
 * stand-in for inference.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface BareModel {
  name: string;
  /** The packed input's name and width: [N, width] FP32. */
  input: string;
  width: number;
  features: readonly string[];
  classes: readonly [string, string];
}

class BadRequest extends Error {}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

function floats(values: unknown, count: number): Float32Array {
  if (!Array.isArray(values) || values.length !== count) throw new BadRequest('data: wrong element count');
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (typeof v !== 'number') throw new BadRequest(`element ${i} is not a number`);
    out[i] = v;
  }
  return out;
}

/** The stand-in for inference: P(second class) from the first feature, as float32 like a model's. */
function scores(model: BareModel, x: Float32Array, rows: number): { p: Float32Array; labels: string[] } {
  const p = new Float32Array(rows * 2);
  const labels = new Array<string>(rows);
  for (let r = 0; r < rows; r++) {
    const positive = 1 / (1 + Math.exp(-(x[r * model.width] ?? 0) / 10));
    p[r * 2] = 1 - positive;
    p[r * 2 + 1] = positive;
    labels[r] = model.classes[positive > 0.5 ? 1 : 0];
  }
  return { p, labels };
}

/** The packed input of an OIP request: one [N, width] FP32 input, as JSON data or binary. */
function oipInput(
  model: BareModel,
  json: unknown,
  binary: Buffer | undefined,
): { x: Float32Array; rows: number } {
  const inputs = (json as { inputs?: unknown }).inputs;
  const input = Array.isArray(inputs) && inputs.length === 1 ? (inputs[0] as Record<string, unknown>) : null;
  if (!input || input.name !== model.input || input.datatype !== 'FP32') throw new BadRequest('inputs');
  const shape = input.shape;
  if (!Array.isArray(shape) || shape.length !== 2 || shape[1] !== model.width) throw new BadRequest('shape');
  const rows = shape[0];
  if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 1) throw new BadRequest('shape');
  const count = rows * model.width;
  if (!binary) return { x: floats(input.data, count), rows };
  const size = (input.parameters as { binary_data_size?: unknown } | undefined)?.binary_data_size;
  if (size !== count * 4 || binary.length !== size) throw new BadRequest('binary_data_size');
  const aligned = binary.byteOffset % 4 === 0 ? binary : Buffer.from(binary);
  return { x: new Float32Array(aligned.buffer, aligned.byteOffset, count), rows };
}

function oipJson(model: BareModel, body: Buffer, response: ServerResponse): void {
  const json = JSON.parse(body.toString('utf8')) as { id?: string };
  const { x, rows } = oipInput(model, json, undefined);
  const { p, labels } = scores(model, x, rows);
  const text = JSON.stringify({
    model_name: model.name,
    model_version: 'v1',
    id: json.id,
    outputs: [
      { name: 'probabilities', datatype: 'FP32', shape: [rows, 2], data: Array.from(p) },
      { name: 'label', datatype: 'BYTES', shape: [rows], data: labels },
    ],
  });
  response.writeHead(200, { 'content-type': 'application/json' }).end(text);
}

function oipBinary(model: BareModel, body: Buffer, headerLength: number, response: ServerResponse): void {
  if (!(headerLength >= 0 && headerLength <= body.length)) throw new BadRequest('header length');
  const json = JSON.parse(body.toString('utf8', 0, headerLength)) as { id?: string };
  const { x, rows } = oipInput(model, json, body.subarray(headerLength));
  const { p, labels } = scores(model, x, rows);
  const strings = labels.map((l) => Buffer.from(l));
  const labelBytes = Buffer.allocUnsafe(strings.reduce((n, s) => n + 4 + s.length, 0));
  let at = 0;
  for (const s of strings) {
    labelBytes.writeUInt32LE(s.length, at);
    s.copy(labelBytes, at + 4);
    at += 4 + s.length;
  }
  const header = Buffer.from(
    JSON.stringify({
      model_name: model.name,
      model_version: 'v1',
      id: json.id,
      outputs: [
        {
          name: 'probabilities',
          datatype: 'FP32',
          shape: [rows, 2],
          parameters: { binary_data_size: p.byteLength },
        },
        {
          name: 'label',
          datatype: 'BYTES',
          shape: [rows],
          parameters: { binary_data_size: labelBytes.length },
        },
      ],
    }),
  );
  response
    .writeHead(200, {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(header.length),
    })
    .end(Buffer.concat([header, Buffer.from(p.buffer, p.byteOffset, p.byteLength), labelBytes]));
}

/** MLflow `dataframe_split`: the feature columns in order, rows of numbers. */
function mlflowSplit(model: BareModel, body: Buffer, response: ServerResponse): void {
  const split = (
    JSON.parse(body.toString('utf8')) as { dataframe_split?: { columns?: unknown; data?: unknown } }
  ).dataframe_split;
  const columns = split?.columns;
  if (!Array.isArray(columns) || columns.length !== model.width) throw new BadRequest('columns');
  for (let j = 0; j < model.width; j++) if (columns[j] !== model.features[j]) throw new BadRequest('columns');
  const data = split?.data;
  if (!Array.isArray(data) || data.length === 0) throw new BadRequest('data');
  const rows = data.length;
  const x = new Float32Array(rows * model.width);
  for (let r = 0; r < rows; r++) x.set(floats(data[r], model.width), r * model.width);
  const { p, labels } = scores(model, x, rows);
  const predictions = labels.map((label, r) => ({ probabilities: [p[r * 2], p[r * 2 + 1]], label }));
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ predictions }));
}

/** Listens on 127.0.0.1; `/v2/models/<name>/infer` (JSON or binary by content type) and `/invocations`. */
export function startBareServer(model: BareModel): Promise<{ url: string; close: () => Promise<void> }> {
  const infer = `/v2/models/${model.name}/infer`;
  const server = createServer((request, response) => {
    readBody(request).then(
      (body) => {
        try {
          if (request.url === '/invocations') return mlflowSplit(model, body, response);
          if (request.url !== infer) return response.writeHead(404).end('{"error":"no route"}');
          const headerLength = request.headers['inference-header-content-length'];
          if (headerLength === undefined) return oipJson(model, body, response);
          return oipBinary(model, body, Number(headerLength), response);
        } catch (err) {
          response
            .writeHead(400, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
        }
      },
      () => response.writeHead(400).end(),
    );
  });
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
