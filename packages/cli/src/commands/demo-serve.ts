import { writeFile } from 'node:fs/promises';
import { setTimeout } from 'node:timers/promises';
import { loadDataset, quoteIdent, withDatabase } from '@modelgate/core';
import { createPredictionLog, startServer } from '@modelgate/serve';

type Write = (text: string) => void;

interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

interface ModelMetadata {
  name: string;
  versions?: string[];
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

interface Exchange {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

const ROWS = 3;
const SHOWN_CHARS = 600;
const TRAFFIC_BATCH = 8;
/** Longer than the shadow's own timeout (5 s by default), after which every copy has an outcome. */
const SHADOW_DRAIN_MS = 10_000;
const SHADOW_POLL_MS = 20;

/** A few rows of the data the server will score, as plain values by column. */
async function sampleRows(file: string, columns: readonly string[]): Promise<Record<string, unknown>[]> {
  return withDatabase(async (db) => {
    const { table } = await loadDataset(db, { path: file });
    const list = columns.map(quoteIdent).join(', ');
    const complete = columns.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ');
    return db.jsonRows(
      `SELECT ${list} FROM ${quoteIdent(table)} WHERE ${complete} AND rowid % 17 = 0 LIMIT ${ROWS}`,
    );
  });
}

function oipInput(meta: TensorMetadata, rows: readonly Record<string, unknown>[]) {
  const data = rows.map((row) => {
    const value = row[meta.name];
    if (meta.datatype === 'BYTES') return value === null || value === undefined ? '' : String(value);
    return value === null || value === undefined ? Number.NaN : Number(value);
  });
  return { name: meta.name, datatype: meta.datatype, shape: [rows.length, 1], data };
}

function shorten(text: string): string {
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)} …` : text;
}

/** Where the truth of the traffic's rows goes, as late labels arrive: by request id and row. */
interface LabelsOut {
  file: string;
  column: string;
}

/** The labels CSV of the traffic's requests: request_id, row within the request, the truth. */
async function writeTrafficLabels(labels: LabelsOut, truth: readonly unknown[]): Promise<void> {
  const csv = (v: unknown) => `"${String(v ?? '').replaceAll('"', '""')}"`;
  const lines = truth.map(
    (y, i) => `${trafficId(Math.floor(i / TRAFFIC_BATCH))},${i % TRAFFIC_BATCH},${csv(y)}`,
  );
  await writeFile(labels.file, `request_id,row,${csv(labels.column)}\n${lines.join('\n')}\n`);
}

const trafficId = (request: number) => `traffic-${request}`;

/**
 * Production traffic: every row of `file`, a few rows per request, as MLflow
 * clients send them, each request with its own X-Request-Id so late labels can be joined.
 */
async function sendTraffic(
  url: string,
  file: string,
  columns: string[],
  write: Write,
  labels?: LabelsOut,
): Promise<number> {
  const { rows, truth } = await withDatabase(async (db) => {
    const { table } = await loadDataset(db, { path: file });
    const rows = await db.jsonRows(`SELECT ${columns.map(quoteIdent).join(', ')} FROM ${quoteIdent(table)}`);
    const truth = labels
      ? (await db.jsonRows(`SELECT ${quoteIdent(labels.column)} AS y FROM ${quoteIdent(table)}`)).map(
          (r) => r.y,
        )
      : [];
    return { rows, truth };
  });
  let failed = 0;
  for (let start = 0; start < rows.length; start += TRAFFIC_BATCH) {
    const response = await fetch(`${url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': trafficId(start / TRAFFIC_BATCH) },
      body: JSON.stringify({ dataframe_records: rows.slice(start, start + TRAFFIC_BATCH) }),
    });
    await response.arrayBuffer();
    if (response.status !== 200) failed++;
  }
  write(
    `sent ${rows.length} rows of ${file} in ${Math.ceil(rows.length / TRAFFIC_BATCH)} requests (${failed} failed)\n`,
  );
  if (labels) {
    await writeTrafficLabels(labels, truth);
    write(`their labels, as they would arrive later: ${labels.file}\n`);
  }
  return failed;
}

/**
 * The shadow scores its copies off the request path, after the answers went out: waits until it has
 * none waiting or running, so the metrics the demo prints count every copy. False when it never drained.
 */
async function shadowDrained(url: string): Promise<boolean> {
  const until = Date.now() + SHADOW_DRAIN_MS;
  while (Date.now() < until) {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    if (/^modelgate_shadow_queued_requests 0$/m.test(metrics)) return true;
    await setTimeout(SHADOW_POLL_MS);
  }
  return false;
}

/**
 * Serves the staged model the way `modelgate serve` does, asks it the questions a client asks with both
 * protocols (Open Inference Protocol v2 and MLflow's /invocations), and logs what it scored.
 * Returns 0 when every call answered 200, both protocols agree on the labels and a shadow finished every copy it was sent.
 */
export async function serveDemo(
  options: {
    registry: string;
    model: string;
    data: string;
    traffic: string;
    predictionLog: string;
    /** A model scoring a copy of every request off the request path (serve --shadow). */
    shadow?: string;
    labels?: LabelsOut;
  },
  write: Write,
): Promise<number> {
  const log = createPredictionLog({ dir: options.predictionLog });
  const server = await startServer({
    registry: options.registry,
    models: [options.model],
    port: 0,
    workers: 1,
    predictionLog: log,
    ...(options.shadow ? { shadow: { model: options.shadow } } : {}),
  });
  const name = options.model.split(/[#@]/)[0] ?? options.model;
  let failures = 0;
  const call = async ({ method, path, body }: Exchange): Promise<unknown> => {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const response = await fetch(`${server.url}${path}`, init);
    const text = await response.text();
    write(`${method} ${path} -> ${response.status}\n  ${shorten(text.replaceAll('\n', ' '))}\n`);
    if (response.status !== 200) failures++;
    return response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  };
  try {
    write(
      `serving ${options.model} at ${server.url}${options.shadow ? `, shadowed by ${options.shadow}` : ''}\n`,
    );
    await call({ method: 'GET', path: '/v2/health/ready' });
    const meta = (await call({ method: 'GET', path: `/v2/models/${name}` })) as ModelMetadata;
    const rows = await sampleRows(
      options.data,
      meta.inputs.map((input) => input.name),
    );
    const oip = (await call({
      method: 'POST',
      path: `/v2/models/${name}/infer`,
      body: { id: 'demo-1', inputs: meta.inputs.map((input) => oipInput(input, rows)) },
    })) as { outputs?: { name: string; data: unknown[] }[] };
    const columns = meta.inputs.map((input) => input.name);
    const mlflow = (await call({
      method: 'POST',
      path: '/invocations',
      body: { dataframe_split: { columns, data: rows.map((row) => columns.map((c) => row[c] ?? null)) } },
    })) as { predictions?: { label?: unknown }[] };
    const oipLabels = oip.outputs?.find((output) => output.name === 'label')?.data ?? [];
    const mlflowLabels = (mlflow.predictions ?? []).map((prediction) => prediction.label);
    const agree = JSON.stringify(oipLabels) === JSON.stringify(mlflowLabels);
    write(`labels: OIP ${JSON.stringify(oipLabels)}, MLflow ${JSON.stringify(mlflowLabels)}\n`);
    if (!agree || oipLabels.length !== rows.length) {
      write('the two protocols disagree\n');
      failures++;
    }
    failures += await sendTraffic(server.url, options.traffic, columns, write, options.labels);
    if (options.shadow && !(await shadowDrained(server.url))) {
      write(`the shadow still had copies to score after ${SHADOW_DRAIN_MS / 1000} s\n`);
      failures++;
    }
    const metrics = String(await call({ method: 'GET', path: '/metrics' }));
    const requests = metrics.split('\n').filter((line) => /^modelgate_\w*requests_total\{/.test(line));
    write(`${requests.join('\n')}\n`);
  } finally {
    await server.close();
  }
  write(`prediction log: ${options.predictionLog}\n`);
  return failures === 0 ? 0 : 1;
}
