import { readFile, writeFile } from 'node:fs/promises';
import { computeMetric, metricValue } from '@modelgate/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/test/run-cli.js';
import {
  type LoggedRequest,
  type Outputs,
  type Penguin,
  penguins,
  writeLabels,
  writeShadowLog,
} from '../../cli/test/shadow-log.js';
import { useTempDir } from '../../core/test/fixtures.js';
import type { MonitorReport, ShadowComparison } from '../src/index.js';

const tmp = useTempDir('labels-time');
const CLASSES = ['Adelie', 'Chinstrap', 'Gentoo'];
const START = Date.parse('2026-12-06T10:00:00Z');
const FIXED_ID = 'fixed';

/** A nearest-mean classifier on one measurement: softmax of minus half the squared standardized distance. */
function oneFeatureModel(data: readonly Penguin[], feature: 'beak' | 'flipper') {
  const xs = data.map((p) => p[feature]);
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
  const centres = CLASSES.map((c) => mean(data.filter((p) => p.species === c).map((p) => p[feature])));
  return (p: Penguin) => {
    const e = centres.map((m) => Math.exp(-0.5 * ((p[feature] - m) / sd) ** 2));
    const sum = e.reduce((a, b) => a + b, 0);
    const probabilities = e.map((v) => v / sum);
    return { probabilities, label: probabilities.indexOf(Math.max(...probabilities)) };
  };
}

type Model = ReturnType<typeof oneFeatureModel>;

function outputsOf(rows: readonly Penguin[], model: Model): Outputs {
  const scored = rows.map(model);
  return {
    label: scored.map((s) => CLASSES[s.label] as string),
    ...Object.fromEntries(
      CLASSES.map((c, k) => [`probability_${c}`, scored.map((s) => s.probabilities[k] as number)]),
    ),
  };
}

interface Request {
  time: Date;
  rows: Penguin[];
  shadowed: boolean;
}

let production: Model;
let shadow: Model;
let requests: Request[];
let reference: string;
/** The log with one id for every request, and the same requests each under its own id. */
let reusedLog: string;
let ownLog: string;

/**
 * Requests of one and two rows; every second one a millisecond after the one
 * before; every seventh not sent to the shadow. Penguins come in species
 * order, so requests reusing one id carry different true labels.
 */
beforeAll(async () => {
  const data = await penguins();
  production = oneFeatureModel(data, 'flipper');
  shadow = oneFeatureModel(data, 'beak');
  const sample = data.filter((_, i) => i % 4 === 0);
  requests = [];
  for (let r = 0, at = 0; at < sample.length; r++) {
    const rows = sample.slice(at, at + (r % 2) + 1);
    at += rows.length;
    const time = new Date(START + Math.floor(r / 2) * 150_000 + (r % 2));
    requests.push({ time, rows, shadowed: r % 7 !== 3 });
  }
  const features = ['beak', 'depth', 'flipper'] as const;
  await writeFile(
    tmp.path('reference.json'),
    JSON.stringify(data.map((p) => Object.fromEntries(features.map((f) => [f, p[f]])))),
  );
  const profiled = await runCli(['profile', '--data', 'reference.json', '--out', 'reference'], {
    cwd: tmp.dir,
  });
  expect(profiled.code).toBe(0);
  reference = tmp.path('reference', 'profile.json');
  reusedLog = await writeLog('log-reused', 'reused');
  ownLog = await writeLog('log-own', 'own');
});

/** The requests as the server logs them: all with one id a client hard-coded, or each with its own. */
function writeLog(name: string, ids: 'reused' | 'own'): Promise<string> {
  const logged = requests.map(
    (q, r): LoggedRequest => ({
      id: ids === 'reused' ? FIXED_ID : `req-${r}`,
      time: q.time,
      inputs: {
        beak: q.rows.map((p) => p.beak),
        depth: q.rows.map((p) => p.depth),
        flipper: q.rows.map((p) => p.flipper),
      },
      production: outputsOf(q.rows, production),
      shadow: q.shadowed ? outputsOf(q.rows, shadow) : null,
    }),
  );
  return writeShadowLog(tmp.path(name), 'penguins', logged);
}

type TimedLabel = [id: string, row: number, time: string, species: string];

/** Every logged row's true label with the request's time, written by `time` (the log's ISO form by default). */
function timedLabels(time: (t: Date, r: number) => string = (t) => t.toISOString()): TimedLabel[] {
  return requests.flatMap((q, r) =>
    q.rows.map((p, i): TimedLabel => [FIXED_ID, i, time(q.time, r), p.species]),
  );
}

async function writeTimedLabels(name: string, rows: readonly TimedLabel[]): Promise<string> {
  const lines = ['request_id,row,time,species', ...rows.map((l) => l.join(','))];
  await writeFile(tmp.path(name), `${lines.join('\n')}\n`);
  return name;
}

/** Each request's rows labeled under its own id (no time), for the log with one id per request. */
async function ownIdLabels(name: string): Promise<string> {
  const rows = requests.flatMap((q, r) =>
    q.rows.map((p, i): [string, number, string] => [`req-${r}`, i, p.species]),
  );
  await writeLabels(tmp.path(name), 'species', rows);
  return name;
}

/** The same labels without their time: by id and row alone. */
async function untimedLabels(name: string): Promise<string> {
  const rows = timedLabels().map(([id, row, , species]): [string, number, string] => [id, row, species]);
  await writeLabels(tmp.path(name), 'species', rows);
  return name;
}

/** What a labels file without time gives a reused id: each row number takes the first request's label. */
function firstLabelByRow(): Map<number, string> {
  const first = new Map<number, string>();
  for (const q of requests) {
    for (const [i, p] of q.rows.entries()) first.set(i, first.get(i) ?? p.species);
  }
  return first;
}

/** accuracy, macro F1 and ROC AUC of `model` on `rows` against `truth`, as evaluate computes them. */
function metricsOf(model: Model, rows: readonly Penguin[], truth: readonly string[]) {
  const scored = rows.map(model);
  const predictions = {
    task: 'multiclass' as const,
    yTrue: Int32Array.from(truth, (s) => CLASSES.indexOf(s)),
    classes: 3,
    classNames: CLASSES,
    probabilities: Float64Array.from(scored.flatMap((s) => s.probabilities)),
    yPred: Int32Array.from(scored, (s) => s.label),
  };
  return Object.fromEntries(
    (['accuracy', 'f1_macro', 'roc_auc'] as const).map((m) => [
      m,
      metricValue(computeMetric(m, predictions)) ?? null,
    ]),
  );
}

/** The report's metrics equal the expected ones; undefined ones (one class only: no ROC AUC) are null. */
function expectMetrics(
  actual: Partial<Record<string, number | null>> | undefined,
  expected: ReturnType<typeof metricsOf>,
) {
  for (const [metric, value] of Object.entries(expected)) {
    if (value === null) expect(actual?.[metric]).toBeNull();
    else expect(actual?.[metric]).toBeCloseTo(value, 12);
  }
}

async function monitor(log: string, labels: string, out: string) {
  const run = await runCli(
    [
      'monitor',
      '--reference',
      reference,
      '--current',
      log,
      '--labels',
      labels,
      '--label-column',
      'species',
      '--chunk',
      'hour',
      '--out',
      out,
    ],
    { cwd: tmp.dir },
  );
  return {
    run,
    report: async () => JSON.parse(await readFile(tmp.path(out, 'monitor.json'), 'utf8')) as MonitorReport,
  };
}

async function compare(log: string, labels: string, out: string) {
  const run = await runCli(
    ['monitor', '--compare', '--current', log, '--labels', labels, '--label-column', 'species', '--out', out],
    { cwd: tmp.dir },
  );
  return {
    run,
    report: async () => JSON.parse(await readFile(tmp.path(out, 'compare.json'), 'utf8')) as ShadowComparison,
  };
}

const messages = (notes: readonly { message: string }[]) => notes.map((n) => n.message);

describe('late labels with a time column, for a client that reuses one request id', () => {
  it('monitor --labels: each request gets its own label, as if every request had its own id', async () => {
    const all = timedLabels();
    const [first] = all;
    if (!first) throw new Error('no labels');
    // One key labeled again differently (the first label counts) and one label a millisecond off every answer.
    const labels = await writeTimedLabels('labels-timed.csv', [
      ...all,
      [first[0], first[1], first[2], 'Gentoo'],
      [FIXED_ID, 0, new Date(START + 150_005).toISOString(), 'Adelie'],
    ]);
    const timed = await monitor(reusedLog, labels, 'out-timed');
    expect(timed.run.stderr).toBe('');
    const report = await timed.report();
    const rows = requests.flatMap((q) => q.rows);
    expect(report.performance?.labels).toEqual({
      source: labels,
      rows: rows.length + 2,
      matched: rows.length,
    });
    expect(report.performance?.window.labeled).toBe(rows.length);
    const window = report.performance?.window.realized;
    const expected = metricsOf(
      production,
      rows,
      rows.map((p) => p.species),
    );
    for (const [metric, value] of Object.entries(expected))
      expect(window?.[metric as 'accuracy']).toBeCloseTo(value as number, 12);
    expect(messages(report.notes)).toContain(
      `--labels ${labels}: 1 requests (id and time) are labeled more than once with different labels; the first label of each is used.`,
    );

    // The same rows under their own ids, labeled by id: the same performance, chunk by chunk.
    const byId = await monitor(ownLog, await ownIdLabels('labels-own.csv'), 'out-own');
    expect(byId.run.stderr).toBe('');
    const reference = (await byId.report()).performance;
    expect(report.performance?.chunks.length).toBeGreaterThan(1);
    expect(report.performance?.window).toEqual(reference?.window);
    expect(report.performance?.chunks).toEqual(reference?.chunks);
  });

  it('monitor --labels without a time column keeps joining by id and row: the first label of each', async () => {
    const labels = await untimedLabels('labels-untimed.csv');
    const untimed = await monitor(reusedLog, labels, 'out-untimed');
    expect(untimed.run.stderr).toBe('');
    const report = await untimed.report();
    const rows = requests.flatMap((q) => q.rows);
    const first = firstLabelByRow();
    const truth = requests.flatMap((q) => q.rows.map((_, i) => first.get(i) as string));
    const expected = metricsOf(production, rows, truth);
    const right = metricsOf(
      production,
      rows,
      rows.map((p) => p.species),
    );
    expect(expected.accuracy).not.toBeCloseTo(right.accuracy as number, 2);
    expect(report.performance?.labels).toEqual({ source: labels, rows: rows.length, matched: rows.length });
    expectMetrics(report.performance?.window.realized, expected);
    const differing = [0, 1].filter(
      (i) => new Set(requests.flatMap((q) => (q.rows[i] ? [q.rows[i].species] : []))).size > 1,
    );
    expect(messages(report.notes)).toContain(
      `--labels ${labels}: ${differing.length} ids are labeled more than once with different labels; the first label of each is used.`,
    );
  });

  it('monitor --compare: the paired statistics and the gate on each request’s own label', async () => {
    const timed = await compare(
      reusedLog,
      await writeTimedLabels('labels-compare.csv', timedLabels()),
      'cmp-timed',
    );
    expect(timed.run.stderr).toBe('');
    const report = await timed.report();
    const paired = requests.filter((q) => q.shadowed).flatMap((q) => q.rows);
    const productionOnly = requests.filter((q) => !q.shadowed).flatMap((q) => q.rows).length;
    expect(report.rows).toMatchObject({ paired: paired.length, productionOnly, shadowOnly: 0 });
    // Labels of the requests the shadow did not score are left out, counted by id, row and time.
    expect(report.labels).toMatchObject({ matched: paired.length, excluded: productionOnly });
    expect(report.window.labeled).toBe(paired.length);
    const truth = paired.map((p) => p.species);
    for (const [side, model] of [
      ['production', production],
      ['shadow', shadow],
    ] as const) {
      expectMetrics(report.window.metrics?.[side], metricsOf(model, paired, truth));
    }

    // The same requests under their own ids: the same statistics, and the same gate verdict.
    const byId = await compare(ownLog, await ownIdLabels('labels-compare-own.csv'), 'cmp-own');
    expect(byId.run.stderr).toBe('');
    const expected = await byId.report();
    expect(report.gate?.outcomes.length).toBeGreaterThan(0);
    expect(report.gate).toEqual(expected.gate);
    expect(report.window.metrics).toEqual(expected.window.metrics);
    expect(report.chunks.map((c) => c.metrics)).toEqual(expected.chunks.map((c) => c.metrics));
    expect(report.verdict).toEqual(expected.verdict);
    expect(timed.run.code).toBe(byId.run.code);
  });

  it('monitor --compare without a time column keeps the first label of each id and row', async () => {
    const labels = await untimedLabels('labels-compare-untimed.csv');
    const untimed = await compare(reusedLog, labels, 'cmp-untimed');
    expect(untimed.run.stderr).toBe('');
    const report = await untimed.report();
    const first = firstLabelByRow();
    const shadowed = requests.filter((q) => q.shadowed);
    const paired = shadowed.flatMap((q) => q.rows);
    const truth = shadowed.flatMap((q) => q.rows.map((_, i) => first.get(i) as string));
    // Every id and row was paired by some request: no label counts as excluded.
    expect(report.labels).toMatchObject({ matched: paired.length, excluded: 0 });
    expectMetrics(report.window.metrics?.production, metricsOf(production, paired, truth));
  });

  it('a labels file without row labels every row of the request answered at that time', async () => {
    const lines = requests.map((q) => `${FIXED_ID},${q.time.toISOString()},${q.rows[0]?.species}`);
    await writeFile(tmp.path('labels-no-row.csv'), `request_id,time,species\n${lines.join('\n')}\n`);
    const truthOf = (qs: readonly Request[]) =>
      qs.flatMap((q) => q.rows.map(() => q.rows[0]?.species as string));

    const monitored = await monitor(reusedLog, 'labels-no-row.csv', 'out-no-row');
    expect(monitored.run.stderr).toBe('');
    const rows = requests.flatMap((q) => q.rows);
    const performance = (await monitored.report()).performance;
    expect(performance?.labels).toMatchObject({ rows: requests.length, matched: rows.length });
    expectMetrics(performance?.window.realized, metricsOf(production, rows, truthOf(requests)));

    const compared = await compare(reusedLog, 'labels-no-row.csv', 'cmp-no-row');
    expect(compared.run.stderr).toBe('');
    const report = await compared.report();
    const shadowed = requests.filter((q) => q.shadowed);
    const paired = shadowed.flatMap((q) => q.rows);
    expect(report.labels).toMatchObject({
      matched: paired.length,
      excluded: requests.length - shadowed.length,
    });
    expectMetrics(report.window.metrics?.shadow, metricsOf(shadow, paired, truthOf(shadowed)));
  });

  it('reads the time as a user pastes it from the log, and refuses one that is not a time', async () => {
    // The log's form, an explicit UTC offset, another zone's offset, and no zone (UTC) with a space or a T.
    const zoned = [
      (t: Date) => t.toISOString(),
      (t: Date) => t.toISOString().replace('Z', '+00:00'),
      (t: Date) => new Date(t.getTime() + 3_600_000).toISOString().replace('Z', '+01:00'),
    ];
    const unzoned = [
      (t: Date) => t.toISOString().replace('T', ' ').replace('Z', ''),
      (t: Date) => t.toISOString().replace('Z', ''),
    ];
    const written = (forms: ((t: Date) => string)[]) =>
      timedLabels((t, r) => (forms[r % forms.length] as (t: Date) => string)(t));
    // The CSV reader types a column of zoned times, or of times without a zone; mixed, the JSON reader leaves text.
    const mixed = written([...zoned, ...unzoned]).map(([request_id, row, time, species]) =>
      JSON.stringify({ request_id, row, time, species }),
    );
    await writeFile(tmp.path('labels-mixed.jsonl'), `${mixed.join('\n')}\n`);
    const rows = requests.flatMap((q) => q.rows);
    const expected = metricsOf(
      production,
      rows,
      rows.map((p) => p.species),
    );
    for (const labels of [
      await writeTimedLabels('labels-zoned.csv', written(zoned)),
      await writeTimedLabels('labels-unzoned.csv', written(unzoned)),
      'labels-mixed.jsonl',
    ]) {
      const pasted = await monitor(reusedLog, labels, `out-${labels}`);
      expect(pasted.run.stderr).toBe('');
      const report = await pasted.report();
      expect(report.performance?.labels).toEqual({ source: labels, rows: rows.length, matched: rows.length });
      expect(report.performance?.window.realized.accuracy).toBeCloseTo(expected.accuracy as number, 12);
    }
    // Seven milliseconds after every answer: none matches, and the warning says the labels were joined by time.
    const late = await writeTimedLabels(
      'labels-late.csv',
      timedLabels((t) => new Date(t.getTime() + 7).toISOString()),
    );
    const unmatched = await monitor(reusedLog, late, 'out-late');
    const report = await unmatched.report();
    expect(report.performance?.labels).toEqual({ source: late, rows: rows.length, matched: 0 });
    expect(messages(report.notes)).toContain(
      `--labels ${late}: none of its ${rows.length} labels matched a current row (joined by request id and the answer's 'time' to the millisecond).`,
    );

    const refusals: [string, (l: TimedLabel[]) => TimedLabel[], string][] = [
      [
        'labels-bad.csv',
        (l) => l.map((x, i) => (i === 2 ? [x[0], x[1], 'yesterday', x[3]] : x)),
        "column 'time' of data row 3 holds 'yesterday', not a date and time.",
      ],
      [
        'labels-clock.csv',
        (l) => l.map((x, i) => (i === 4 ? [x[0], x[1], '10:02:30.001', x[3]] : x)),
        "column 'time' of data row 5 holds '10:02:30.001', not a date and time.",
      ],
      [
        'labels-empty.csv',
        (l) => l.map((x, i) => (i === 1 ? [x[0], x[1], '', x[3]] : x)),
        "column 'time' of data row 2 is empty.",
      ],
      [
        'labels-epoch.csv',
        (l) => l.map((x) => [x[0], x[1], String(Date.parse(x[2])), x[3]]),
        "column 'time' holds BIGINT values, not times.",
      ],
    ];
    for (const [name, edit, problem] of refusals) {
      await writeTimedLabels(name, edit(timedLabels()));
      for (const run of [
        (await monitor(reusedLog, name, `out-${name}`)).run,
        (await compare(reusedLog, name, `cmp-${name}`)).run,
      ]) {
        expect(run.code).toBe(2);
        expect(run.stderr.trim().split('\n')).toEqual([
          `modelgate: error: --labels ${name}: ${problem} Expected an ISO 8601 time as the prediction log writes it, such as 2026-12-06T16:15:18.801Z (UTC unless it gives an offset).`,
        ]);
      }
    }
  });
});
