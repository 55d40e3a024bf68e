import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Database,
  type Dataset,
  describeColumns,
  loadDataset,
  profileDataset,
  quoteIdent,
  quoteLiteral,
  stringifyProfile,
  toNumber,
} from '@modelgate/core';
import type { MonitorReport } from '@modelgate/monitor';
import { showVersion } from '@modelgate/registry';
import { beforeAll, describe, expect, it } from 'vitest';
import { useGitSandbox } from '../../registry/test/git-fixture.js';
import { monitoredModel, scoreDataset } from '../src/commands/monitor-model.js';
import { runCli } from './run-cli.js';

const sandbox = useGitSandbox('cli-monitor-performance');
const EXAMPLE = join(import.meta.dirname, '../../../examples/flights');

let repo: string;
const at = (...parts: string[]) => join(repo, ...parts);

async function cli(argv: string[]) {
  const run = await runCli(argv, { cwd: repo });
  if (run.code === 2) throw new Error(`${argv.join(' ')}: ${run.stderr}`);
  return run;
}

async function report(dir: string): Promise<MonitorReport> {
  return JSON.parse(await readFile(at(dir, 'monitor.json'), 'utf8')) as MonitorReport;
}

/**
 * The flights example as a project: split, train, evaluate on the holdout,
 * register; then June 1–2 scored by the registered model as the server's
 * prediction log (hourly JSONL, request ids of up to 5 rows) beside hourly
 * profiles, and a log of profiles alone.
 */
const SLOW_HOUR = '2001-06-02T12';

beforeAll(async () => {
  repo = await sandbox.repo();
  for (const part of ['modelgate.yaml', 'data', 'production'])
    await cp(join(EXAMPLE, part), at(part), { recursive: true });
  await cli(['split', '-o', 'splits']);
  await cli(['train', '--out', 'out/model']);
  await cli(['evaluate', '-m', 'out/model', '--splits', 'splits', '--no-baseline', '-o', 'out/model']);
  await cli(['register', '--model', 'out/model']);
  const db = await Database.open();
  try {
    const current: Dataset = await loadDataset(
      db,
      { path: `${at('production')}/flights-2001-06-0[12].parquet` },
      { table: 'days' },
    );
    const version = await showVersion(at('registry'), 'flights-delay');
    const model = monitoredModel(version.path, 'flights-delay v1', version.metadata);
    if (!model) throw new Error('no model');
    const outputs = await scoreDataset(db, current, model);
    const rows = await db.rows<Record<string, unknown>>(
      `SELECT strftime(date, '%Y-%m-%dT%H:%M:%SZ') AS t, strftime(date, '%Y-%m-%dT%H') AS log_hour, * EXCLUDE (date) FROM days ORDER BY rowid`,
    );
    const byHour = new Map<string, string[]>();
    const requestsByHour = new Map<string, string[]>();
    rows.forEach((r, i) => {
      const hour = String(r.log_hour);
      if (i % 5 === 0) {
        // The server's request log: ~5 ms answers, then an hour of slow answers and failures.
        const k = i / 5;
        const slow = hour === SLOW_HOUR;
        const line = {
          time: r.t,
          request_id: `req-${k}`,
          model: 'flights-delay',
          version: 'v1',
          status: slow && k % 3 === 0 ? 500 : 200,
          latency_ms: (slow ? 60 : 4) + ((k * 37) % 10) / 10,
          rows: 5,
        };
        requestsByHour.set(hour, [...(requestsByHour.get(hour) ?? []), JSON.stringify(line)]);
      }
      const entry = {
        time: r.t,
        request_id: `req-${Math.floor(i / 5)}`,
        model: 'flights-delay',
        version: 'v1',
        row: i % 5,
        inputs: {
          flight_id: r.flight_id,
          hour: toNumber(r.hour),
          weekday: r.weekday,
          distance: toNumber(r.distance),
          origin: r.origin,
          destination: r.destination,
        },
        outputs: {
          label: outputs.classes[outputs.yPred?.[i] ?? 0],
          probability_no: outputs.probabilities?.[i * 2],
          probability_yes: outputs.probabilities?.[i * 2 + 1],
        },
      };
      byHour.set(hour, [...(byHour.get(hour) ?? []), JSON.stringify(entry)]);
    });
    const log = at('log', 'flights-delay');
    const profiles = at('profiles-only', 'flights-delay');
    await mkdir(log, { recursive: true });
    await mkdir(profiles, { recursive: true });
    for (const [hour, lines] of byHour) {
      await writeFile(join(log, `predictions-${hour}Z.jsonl`), `${lines.join('\n')}\n`);
      await writeFile(
        join(log, `requests-${hour}Z.jsonl`),
        `${(requestsByHour.get(hour) ?? []).join('\n')}\n`,
      );
      await db.run(
        `CREATE OR REPLACE TEMP TABLE hour_rows AS SELECT * EXCLUDE (date) FROM days WHERE strftime(date, '%Y-%m-%dT%H') = ${quoteLiteral(hour)} ORDER BY rowid`,
      );
      const text = stringifyProfile(await profileOf(db, 'hour_rows'));
      await writeFile(join(log, `profile-${hour}Z.json`), text);
      await writeFile(join(profiles, `profile-${hour}Z.json`), text);
    }
    // Labels of June 1–2, keyed as the log keys its rows.
    await db.run(
      `COPY (SELECT 'req-' || ((row_number() OVER (ORDER BY d.rowid) - 1) // 5) AS request_id, (row_number() OVER (ORDER BY d.rowid) - 1) % 5 AS row, l.delayed
             FROM days d JOIN read_parquet(${quoteLiteral(at('production', 'labels.parquet'))}) l USING (flight_id)) TO ${quoteLiteral(at('log-labels.csv'))}`,
    );
    // The same days with their labels joined, as a holdout evaluate can score directly.
    await db.run(
      `COPY (SELECT d.*, l.delayed FROM days d JOIN read_parquet(${quoteLiteral(at('production', 'labels.parquet'))}) l USING (flight_id) ORDER BY d.rowid) TO ${quoteLiteral(at('labeled-days.parquet'))}`,
    );
  } finally {
    db.close();
  }
}, 180_000);

async function profileOf(db: Database, table: string) {
  const columns = await describeColumns(db, table);
  const count = await db.first<{ n: unknown }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
  return profileDataset(db, {
    table,
    files: [table],
    format: 'parquet',
    columns,
    rowCount: toNumber(count.n) ?? 0,
  });
}

describe('modelgate monitor: performance', () => {
  let labeled: MonitorReport;
  beforeAll(async () => {
    const run = await cli([
      'monitor',
      '--model',
      'flights-delay',
      '--current',
      'production/flights-*.parquet',
      '--labels',
      'production/labels.parquet',
      '--reference-data',
      'splits/test.parquet',
      '--out',
      'out/labeled',
    ]);
    expect(run.stderr).toBe('');
    labeled = await report('out/labeled');
  }, 120_000);

  it('joins late labels by the config id and computes the metrics per day, as evaluate does', async () => {
    const p = labeled.performance;
    if (!p) throw new Error('no performance section');
    expect(p.task).toBe('binary');
    expect(p.labels).toEqual({ source: 'production/labels.parquet', rows: 13345, matched: 13345 });
    expect(p.chunks).toHaveLength(14);
    expect(p.chunks.every((c) => c.labeled === c.rows)).toBe(true);
    // Realized metrics of June 1–2 equal evaluate's on the same rows with their labels joined.
    await cli([
      'evaluate',
      '-m',
      'out/model',
      '-d',
      'labeled-days.parquet',
      '--no-baseline',
      '-o',
      'out/days-eval',
    ]);
    const evaluation = JSON.parse(await readFile(at('out/days-eval/evaluation.json'), 'utf8'));
    const days = await runCli(
      [
        '--json',
        'monitor',
        '--model',
        'flights-delay',
        '--current',
        'labeled-days.parquet',
        '--labels',
        'production/labels.parquet',
        '--out',
        'out/days',
      ],
      { cwd: repo },
    );
    const window = (JSON.parse(days.stdout) as MonitorReport).performance?.window;
    for (const metric of ['accuracy', 'f1_macro', 'roc_auc'] as const) {
      expect(window?.realized[metric]).toBeCloseTo(evaluation.metrics[metric], 12);
    }
  });

  it('compares with the registered holdout metrics and alerts beyond the tolerance', () => {
    const p = labeled.performance;
    expect(p?.holdout.accuracy).toBeGreaterThan(0.7);
    expect(p?.settings).toMatchObject({ drop: 0.05, rise: 0.2, alertOnEstimates: true });
    const alerts = labeled.verdict.alerts.filter((a) => a.kind === 'performance');
    for (const a of alerts)
      expect(a.message).toMatch(/is [\d.]+ below the holdout's [\d.]+ \(tolerance 0\.05\)$/);
    const worse = p?.chunks.filter(
      (c) => (p.holdout.accuracy as number) - (c.realized.accuracy as number) > 0.05,
    );
    expect(alerts.filter((a) => a.series === 'accuracy (realized)' && a.chunk !== null)).toHaveLength(
      worse?.length ?? -1,
    );
    expect(labeled.series.some((s) => s.kind === 'performance' && s.direction === 'lower')).toBe(true);
  });

  it('estimates accuracy and ROC AUC by CBPE close to the realized values (no concept drift to speak of)', () => {
    const window = labeled.performance?.window;
    expect(labeled.performance?.calibration).toMatchObject({ source: 'splits/test.parquet' });
    expect(
      Math.abs((window?.estimated.accuracy as number) - (window?.realized.accuracy as number)),
    ).toBeLessThan(0.04);
    expect(
      Math.abs((window?.estimated.roc_auc as number) - (window?.realized.roc_auc as number)),
    ).toBeLessThan(0.04);
  });

  it('monitor.md has the performance table and trend charts', async () => {
    const markdown = await readFile(at('out/labeled/monitor.md'), 'utf8');
    expect(markdown).toContain('#### Performance');
    expect(markdown).toMatch(/\| `accuracy` +\| +0\.\d+ \|/);
    expect(markdown).toMatch(/title "accuracy \(realized\) per day \(lines: value, band bottom, holdout\)"/);
  });

  it('reads a prediction log: hourly chunks, outputs from the log, labels joined by request id and row', async () => {
    const run = await cli([
      '--json',
      'monitor',
      '--model',
      'flights-delay',
      '--current',
      'log',
      '--chunk',
      'hour',
      '--labels',
      'log-labels.csv',
      '--reference-data',
      'splits/test.parquet',
      '--out',
      'out/log',
    ]);
    const fromLog = JSON.parse(run.stdout) as MonitorReport;
    expect(fromLog.settings).toMatchObject({ chunk: 'hour', time: 'time', prediction: 'label' });
    expect(fromLog.chunks.length).toBeGreaterThan(30);
    expect(fromLog.chunks[0]?.label).toBe('2001-06-01 00:00');
    expect(fromLog.columns.map((c) => c.column).sort()).toEqual([
      'destination',
      'distance',
      'hour',
      'origin',
      'weekday',
    ]);
    const days = (
      await runCli(
        [
          '--json',
          'monitor',
          '--model',
          'flights-delay',
          '--current',
          'labeled-days.parquet',
          '--labels',
          'production/labels.parquet',
          '--reference-data',
          'splits/test.parquet',
          '--out',
          'out/days2',
        ],
        { cwd: repo },
      )
    ).stdout;
    const same = (JSON.parse(days) as MonitorReport).performance?.window;
    const window = fromLog.performance?.window;
    expect(window?.labeled).toBe(same?.rows);
    expect(window?.realized.accuracy).toBeCloseTo(same?.realized.accuracy as number, 6);
    expect(window?.estimated.accuracy).toBeCloseTo(same?.estimated.accuracy as number, 6);
    // The request log's series: the slow, failing hour is an anomaly in both.
    const slow = fromLog.chunks.findIndex((c) => c.label === '2001-06-02 12:00');
    for (const name of ['latency p99 (ms)', 'error rate']) {
      const series = fromLog.series.find((s) => s.name === name);
      expect(series?.kind).toBe('serving');
      expect(series?.anomalies).toEqual([slow]);
    }
    expect(fromLog.series.find((s) => s.name === 'error rate')?.values[0]).toBe(0);
    expect(fromLog.chunks[slow]?.anomalies).toEqual(
      expect.arrayContaining(['latency p99 (ms)', 'error rate']),
    );
  });

  it('falls back to the hourly profiles when the log has no JSONL, and refuses labels there', async () => {
    const run = await cli([
      '--json',
      'monitor',
      '--model',
      'flights-delay',
      '--current',
      'profiles-only',
      '--chunk',
      'day',
      '--out',
      'out/profiles',
    ]);
    const fromProfiles = JSON.parse(run.stdout) as MonitorReport;
    expect(fromProfiles.current.input).toBe('profiles');
    expect(fromProfiles.chunks.map((c) => c.label)).toEqual(['2001-06-01', '2001-06-02']);
    expect(fromProfiles.performance).toBeUndefined();
    const refused = await runCli(
      ['monitor', '--model', 'flights-delay', '--current', 'profiles-only', '--labels', 'log-labels.csv'],
      { cwd: repo },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--labels: performance needs the scored rows/);
  });

  it('names a missing label id or label column', async () => {
    const bad = await runCli(
      [
        'monitor',
        '--model',
        'flights-delay',
        '--current',
        'production/flights-2001-06-01.parquet',
        '--labels',
        'production/labels.parquet',
        '--label-column',
        'nope',
      ],
      { cwd: repo },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--label-column nope: not a column of the labels .*labels\.parquet/);
  });
});
