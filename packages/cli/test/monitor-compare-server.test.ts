import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskPredictions } from '@modelgate/core';
import { collectGateEvidence, evaluateGate, evaluationSettings, resolveGate } from '@modelgate/evaluate';
import type { ShadowComparison } from '@modelgate/monitor';
import { promote } from '@modelgate/registry';
import { createPredictionLog, startServer } from '@modelgate/serve';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import {
  FEATURES,
  inferBody,
  MODEL,
  metricValue,
  type PenguinRow,
  post,
  useServeRegistry,
} from '../../serve/test/server-fixture.js';
import { runCli } from './run-cli.js';

const tmp = useTempDir('cli-compare-server');
const registry = useServeRegistry('cli-compare-server');
const REQUESTS = 60;
const ROWS_PER_REQUEST = 3;

beforeAll(async () => {
  const { registryDir } = registry();
  await promote({ registryDir, name: MODEL, stage: 'production', version: 'v1' });
  await promote({ registryDir, name: MODEL, stage: 'staging', version: 'v2' });
});

interface LogLine {
  request_id: string;
  row: number;
  version: string;
  outputs: Record<string, unknown>;
}

async function lines(dir: string, prefix: string): Promise<LogLine[]> {
  const { readdir } = await import('node:fs/promises');
  const files = (await readdir(dir)).filter((f) => f.startsWith(prefix) && f.endsWith('.jsonl')).sort();
  const texts = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
  return texts.flatMap((t) =>
    t
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogLine),
  );
}

/** The registry's production model served with its staged version as a shadow, logging to `logDir`. */
function startShadowed(logDir: string) {
  return startServer({
    registry: registry().registryDir,
    models: [`${MODEL}#production`],
    shadow: { model: `${MODEL}#staging` },
    port: 0,
    workers: 1,
    predictionLog: createPredictionLog({ dir: logDir }),
  });
}

/** `monitor --compare` of the production model on the log in `logDir`, into `out`: its report (nothing on stderr). */
async function compareReport(logDir: string, out: string, extra: string[] = []): Promise<ShadowComparison> {
  const run = await runCli(
    [
      'monitor',
      '--compare',
      '--model',
      `${MODEL}#production`,
      '--registry',
      registry().registryDir,
      '--current',
      logDir,
      ...extra,
      '--out',
      out,
    ],
    { cwd: tmp.dir },
  );
  expect(run.stderr).toBe('');
  return JSON.parse(await readFile(join(tmp.dir, out, 'compare.json'), 'utf8')) as ShadowComparison;
}

/** Waits until the shadow has scored `count` requests. */
async function shadowScored(url: string, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const text = await (await fetch(`${url}/metrics`)).text();
    if (metricValue(text, 'modelgate_shadow_requests_total', { outcome: 'scored' }) >= count) return;
    if (Date.now() > deadline) throw new Error(`the shadow did not score every request:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('monitor --compare on what a real shadowed server logged', () => {
  it('pairs v1 (production, gbdt) with v2 (the staged logistic shadow) under load and judges v2 with the gate', async () => {
    const { rows } = registry();
    const complete = rows.filter((r) => FEATURES.every((f) => r[f.name] !== null && r[f.name] !== undefined));
    const logDir = join(tmp.dir, 'log');
    const server = await startShadowed(logDir);
    const sent: { id: string; rows: PenguinRow[] }[] = [];
    try {
      const batches = Array.from({ length: REQUESTS }, (_, r) => ({
        id: `load-${r}`,
        rows: complete.slice(r * ROWS_PER_REQUEST, (r + 1) * ROWS_PER_REQUEST),
      }));
      // Eight clients at a time, as a load test sends them.
      for (let start = 0; start < batches.length; start += 8) {
        const answers = await Promise.all(
          batches
            .slice(start, start + 8)
            .map((b) => post(`${server.url}/v2/models/${MODEL}/infer`, inferBody(b.rows, { id: b.id }))),
        );
        for (const a of answers) expect(a.status).toBe(200);
        await Promise.all(answers.map((a) => a.arrayBuffer()));
      }
      sent.push(...batches);
      await shadowScored(server.url, REQUESTS);
    } finally {
      await server.close();
    }
    const labels = sent.flatMap((b) => b.rows.map((row, i) => `${b.id},${i},${String(row.Species)}`));
    await writeFile(join(tmp.dir, 'labels.csv'), `request_id,row,Species\n${labels.join('\n')}\n`);
    const report = await compareReport(logDir, 'compare', [
      '--labels',
      'labels.csv',
      '--label-column',
      'Species',
    ]);
    const total = REQUESTS * ROWS_PER_REQUEST;
    expect(report.versions).toEqual({ production: ['v1'], shadow: ['v2'] });
    expect(report.rows).toMatchObject({ paired: total, productionOnly: 0, shadowOnly: 0 });
    expect(report.window.labeled).toBe(total);
    expect(report.window.latency.shadow?.requests).toBe(REQUESTS);

    // The log holds both models' outputs for the same ids; the gate on them is evaluate's.
    const dir = join(logDir, MODEL);
    const production = await lines(dir, 'predictions-');
    const shadow = await lines(dir, 'shadow-');
    const key = (l: LogLine) => `${l.request_id}\n${l.row}`;
    const shadowByKey = new Map(shadow.map((l) => [key(l), l]));
    expect(production.every((l) => l.version === 'v1' && shadowByKey.get(key(l))?.version === 'v2')).toBe(
      true,
    );
    const classes = report.classes;
    const truth = new Map(
      sent.flatMap((b) => b.rows.map((row, i) => [`${b.id}\n${i}`, String(row.Species)])),
    );
    // The report's row order: by the production answer's time, then as logged.
    const ordered = [...production].sort(
      (a, b) =>
        Date.parse(String((a as { time?: string }).time)) - Date.parse(String((b as { time?: string }).time)),
    );
    const yTrue = Int32Array.from(ordered, (l) => classes.indexOf(truth.get(key(l)) as string));
    const predictions = (side: LogLine[]): TaskPredictions => ({
      task: 'multiclass',
      yTrue,
      classes: classes.length,
      classNames: classes,
      probabilities: Float64Array.from(
        side.flatMap((l) => classes.map((c) => Number(l.outputs[`probability_${c}`]))),
      ),
      yPred: Int32Array.from(side, (l) => classes.indexOf(String(l.outputs.label))),
    });
    const rules = resolveGate(undefined, 'multiclass').rules;
    const verdict = evaluateGate(
      rules,
      collectGateEvidence({
        rules,
        challenger: predictions(ordered.map((l) => shadowByKey.get(key(l)) as LogLine)),
        champion: predictions(ordered),
        bootstrap: evaluationSettings({}).bootstrap,
      }),
    );
    expect(report.gate?.outcomes).toEqual(JSON.parse(JSON.stringify(verdict.outcomes)));
  }, 180_000);

  it('pairs every request when a client reuses one request id: both models log the answer’s time', async () => {
    const { rows } = registry();
    const complete = rows.filter((r) => FEATURES.every((f) => r[f.name] !== null && r[f.name] !== undefined));
    const logDir = join(tmp.dir, 'reused-ids');
    const server = await startShadowed(logDir);
    const requests = 12;
    try {
      // One at a time, each a few milliseconds apart, all with the id a client hard-coded.
      for (let r = 0; r < requests; r++) {
        const answer = await post(
          `${server.url}/v2/models/${MODEL}/infer`,
          inferBody(complete.slice(r * 2, r * 2 + 2), { id: 'fixed' }),
        );
        expect(answer.status).toBe(200);
        await answer.arrayBuffer();
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      await shadowScored(server.url, requests);
    } finally {
      await server.close();
    }
    const dir = join(logDir, MODEL);
    const time = (l: LogLine) => (l as { time?: string }).time;
    const shadowTimes = new Set((await lines(dir, 'shadow-')).map(time));
    expect((await lines(dir, 'predictions-')).every((l) => shadowTimes.has(time(l)))).toBe(true);
    const report = await compareReport(logDir, 'reused');
    expect(report.rows).toMatchObject({ paired: requests * 2, productionOnly: 0, shadowOnly: 0 });
  }, 180_000);
});
