import { cp, mkdir, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDataset } from '@modelgate/core';
import { createPredictionLog, listPredictionLog, startServer } from '@modelgate/serve';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/test/run-cli.js';
import { useDatabase, useTempDir } from '../../core/test/fixtures.js';
import {
  FEATURES,
  inferBody,
  MODEL,
  metricValue,
  post,
  useShadowedRegistry,
} from '../../serve/test/server-fixture.js';
import {
  findPredictionLog,
  joinLabels,
  labelNotes,
  loadPredictionLog,
  type MonitorReport,
  type ShadowComparison,
} from '../src/index.js';

const tmp = useTempDir('monitor-robustness');
const db = useDatabase();
const registry = useShadowedRegistry('monitor-robustness');
const REQUESTS = 20;
const ROWS_PER_REQUEST = 3;
const ROWS = REQUESTS * ROWS_PER_REQUEST;

let logDir: string;
let labelsFile: string;
let labelLines: string[];

/** What a real shadowed server logged: REQUESTS requests of ROWS_PER_REQUEST rows, and their labels. */
beforeAll(async () => {
  const { registryDir, rows } = registry();
  const complete = rows.filter((r) => FEATURES.every((f) => r[f.name] !== null && r[f.name] !== undefined));
  const root = join(tmp.dir, 'served');
  const server = await startServer({
    registry: registryDir,
    models: [`${MODEL}#production`],
    shadow: { model: `${MODEL}#staging` },
    port: 0,
    workers: 1,
    predictionLog: createPredictionLog({ dir: root }),
  });
  const labels: string[] = [];
  try {
    for (let r = 0; r < REQUESTS; r++) {
      const batch = complete.slice(r * ROWS_PER_REQUEST, (r + 1) * ROWS_PER_REQUEST);
      const answer = await post(
        `${server.url}/v2/models/${MODEL}/infer`,
        inferBody(batch, { id: `req-${r}` }),
      );
      expect(answer.status).toBe(200);
      await answer.arrayBuffer();
      labels.push(...batch.map((row, i) => `req-${r},${i},${String(row.Species)}`));
    }
    const deadline = Date.now() + 60_000;
    while (
      metricValue(await (await fetch(`${server.url}/metrics`)).text(), 'modelgate_shadow_requests_total', {
        outcome: 'scored',
      }) < REQUESTS
    ) {
      if (Date.now() > deadline) throw new Error('the shadow did not score every request');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await server.close();
  }
  logDir = join(root, MODEL);
  labelLines = labels;
  labelsFile = join(tmp.dir, 'labels.csv');
  await writeFile(labelsFile, `request_id,row,Species\n${labels.join('\n')}\n`);
  const profiled = await runCli(['profile', '--data', join(tmp.dir, 'rows.json'), '--out', 'reference'], {
    cwd: await writeRows(complete),
  });
  expect(profiled.code).toBe(0);
}, 120_000);

async function writeRows(rows: unknown[]): Promise<string> {
  await writeFile(join(tmp.dir, 'rows.json'), JSON.stringify(rows));
  return tmp.dir;
}

/** A copy of the served log to damage; `file` finds the one file of a kind. */
async function copyOfLog(name: string): Promise<{ dir: string; file: (prefix: string) => Promise<string> }> {
  const dir = join(tmp.dir, 'damaged', name);
  await mkdir(dir, { recursive: true });
  await cp(logDir, dir, { recursive: true });
  return {
    dir,
    file: async (prefix) => {
      const found = (await readdir(dir)).filter((f) => f.startsWith(prefix) && f.endsWith('.jsonl'));
      expect(found).toHaveLength(1);
      return join(dir, found[0] as string);
    },
  };
}

/** Cuts the file's last line in the middle, as a server killed while writing leaves it. */
async function tearLastLine(file: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const lastStart = text.lastIndexOf('\n', text.length - 2) + 1;
  await truncate(
    file,
    Buffer.byteLength(text.slice(0, lastStart + Math.floor((text.length - lastStart) / 2))),
  );
}

async function monitor(current: string, out: string, extra: string[] = []) {
  return runCli(
    [
      'monitor',
      '--reference',
      join(tmp.dir, 'reference', 'profile.json'),
      '--current',
      current,
      '--out',
      out,
      ...extra,
    ],
    { cwd: tmp.dir },
  );
}

async function compare(current: string, out: string) {
  return runCli(
    [
      'monitor',
      '--compare',
      '--model',
      `${MODEL}#production`,
      '--registry',
      registry().registryDir,
      '--current',
      current,
      '--labels',
      labelsFile,
      '--label-column',
      'Species',
      '--out',
      out,
    ],
    { cwd: tmp.dir },
  );
}

const readJson = async <T>(file: string) => JSON.parse(await readFile(file, 'utf8')) as T;

describe('monitor on what a crashed server leaves in its prediction log', () => {
  it('skips a torn last line of the predictions and counts it in the report', async () => {
    const log = await copyOfLog('torn');
    await tearLastLine(await log.file('predictions-'));
    const run = await monitor(log.dir, 'torn-out');
    expect(run.stderr).toBe('');
    expect(run.code).toBeLessThan(2);
    const report = await readJson<MonitorReport>(join(tmp.dir, 'torn-out', 'monitor.json'));
    expect(report.current.rows).toBe(ROWS - 1);
    expect(report.notes.map((n) => n.message)).toContainEqual(
      expect.stringMatching(/skipped 1 last line cut off mid-write .*predictions-.*\.jsonl line 60\./),
    );
  });

  it('monitor --compare skips a torn last shadow line: one fewer pair, counted', async () => {
    const log = await copyOfLog('torn-shadow');
    await tearLastLine(await log.file('shadow-'));
    const run = await compare(log.dir, 'torn-shadow-out');
    expect(run.stderr).toBe('');
    expect(run.code).toBeLessThan(2);
    const report = await readJson<ShadowComparison>(join(tmp.dir, 'torn-shadow-out', 'compare.json'));
    expect(report.rows).toMatchObject({
      production: ROWS,
      shadow: ROWS - 1,
      paired: ROWS - 1,
      productionOnly: 1,
    });
    expect(report.window.labeled).toBe(ROWS - 1);
    expect(report.labels).toMatchObject({ rows: ROWS, matched: ROWS - 1, excluded: 1 });
    expect(report.notes.map((n) => n.message)).toContainEqual(
      expect.stringMatching(/skipped 1 last line .*shadow-.*\.jsonl line 60\./),
    );
  });

  it('monitor --compare says when production changed version mid-window (a promotion), and when the shadow became production', async () => {
    const log = await copyOfLog('promoted');
    const predictions = await log.file('predictions-');
    const lines = (await readFile(predictions, 'utf8')).split('\n').filter(Boolean);
    // From the 31st row on, the shadow's version (v2) answers as production: the promotion went live.
    const promoted = lines.map((l, i) => (i >= 30 ? l.replace('"version":"v1"', '"version":"v2"') : l));
    expect(promoted.filter((l) => l.includes('"version":"v2"'))).toHaveLength(ROWS - 30);
    await writeFile(predictions, `${promoted.join('\n')}\n`);
    const run = await compare(log.dir, 'promoted-out');
    expect(run.stderr).toBe('');
    const report = await readJson<ShadowComparison>(join(tmp.dir, 'promoted-out', 'compare.json'));
    expect(report.versions).toEqual({ production: ['v1', 'v2'], shadow: ['v2'] });
    expect(report.rows.paired).toBe(ROWS);
    expect(report.notes.map((n) => n.message)).toEqual([
      'the production rows come from 2 versions (v1, v2), a promotion or reload inside the window; the statistics pool them.',
      'version v2 scored rows both as production and as the shadow: for those the shadow was compared with itself.',
    ]);

    // A shadow that is another model with the same version name is not the production model.
    const shadowFile = await log.file('shadow-');
    const other = (await readFile(shadowFile, 'utf8')).replaceAll(
      `"model":"${MODEL}"`,
      '"model":"other-model"',
    );
    expect(other).toContain('"model":"other-model"');
    await writeFile(shadowFile, other);
    await compare(log.dir, 'promoted-other-out');
    const otherReport = await readJson<ShadowComparison>(join(tmp.dir, 'promoted-other-out', 'compare.json'));
    expect(otherReport.notes.map((n) => n.message)).toEqual([
      'the production rows come from 2 versions (v1, v2), a promotion or reload inside the window; the statistics pool them.',
    ]);
  });

  it('counts a zero-byte file and refuses a log of only empty files as having no rows', async () => {
    const log = await copyOfLog('empty-file');
    const predictions = await log.file('predictions-');
    const hour = /predictions-(.*)Z\.jsonl$/.exec(predictions)?.[1];
    const earlier = new Date(Date.parse(`${hour}:00:00Z`) - 3_600_000).toISOString().slice(0, 13);
    await writeFile(join(log.dir, `predictions-${earlier}Z.jsonl`), '');
    const run = await monitor(log.dir, 'empty-file-out');
    expect(run.stderr).toBe('');
    const report = await readJson<MonitorReport>(join(tmp.dir, 'empty-file-out', 'monitor.json'));
    expect(report.current.rows).toBe(ROWS);
    expect(report.notes.map((n) => n.message)).toContainEqual(
      expect.stringContaining(`1 empty file (no rows): predictions-${earlier}Z.jsonl`),
    );

    await writeFile(predictions, '');
    const refused = await monitor(log.dir, 'all-empty-out');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`modelgate: error: ${log.dir}: the prediction log has no rows.\n`);
  });

  it('refuses a line that is not JSON in the middle with its file and line number, writing nothing', async () => {
    const log = await copyOfLog('not-json');
    const predictions = await log.file('predictions-');
    const lines = (await readFile(predictions, 'utf8')).split('\n');
    lines.splice(10, 0, 'garbage here');
    await writeFile(predictions, lines.join('\n'));
    const run = await monitor(log.dir, 'not-json-out');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `modelgate: error: ${predictions}:11: not JSON: "garbage here". Expected one JSON object per line, as modelgate serve --prediction-log writes.\n`,
    );
    await expect(stat(join(tmp.dir, 'not-json-out'))).rejects.toThrow();
  });
});

describe('late labels that do not all join cleanly', () => {
  it('counts ids labeled again differently (the first label is used) but not ids repeated with the same label', async () => {
    const relabeled = labelLines.slice(0, 5).map((l) => l.replace(/,[^,]*$/, ',NotAPenguin'));
    const repeated = labelLines.slice(5, 10);
    const file = join(tmp.dir, 'labels-relabeled.csv');
    await writeFile(
      file,
      `request_id,row,Species\n${[...labelLines, ...relabeled, ...repeated].join('\n')}\n`,
    );
    const plain = await monitor(logDir, 'labels-plain-out', [
      '--labels',
      labelsFile,
      '--label-column',
      'Species',
    ]);
    const run = await monitor(logDir, 'labels-relabeled-out', [
      '--labels',
      file,
      '--label-column',
      'Species',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(plain.code);
    const before = await readJson<MonitorReport>(join(tmp.dir, 'labels-plain-out', 'monitor.json'));
    const report = await readJson<MonitorReport>(join(tmp.dir, 'labels-relabeled-out', 'monitor.json'));
    expect(report.performance?.window.labeled).toBe(ROWS);
    expect(before.performance?.window.realized.accuracy).toBeGreaterThan(0.9);
    expect(report.performance?.window.realized).toEqual(before.performance?.window.realized);
    expect(report.notes.map((n) => n.message)).toContainEqual(
      `--labels ${file}: 5 ids are labeled more than once with different labels; the first label of each is used.`,
    );
    expect(before.notes.map((n) => n.message).join('\n')).not.toMatch(/more than once/);
  });

  it('does not count a regression label that is not a number as matched', async () => {
    const current = await loadDataset(
      db(),
      {
        path: await tmp.write(
          'scored.csv',
          'request_id,row,prediction\nr1,0,1.5\nr2,0,2.5\nr3,0,3.5\nr4,0,4.5\n',
        ),
      },
      { table: 'scored' },
    );
    const labels = await loadDataset(
      db(),
      { path: await tmp.write('y.csv', 'request_id,row,y\nr1,0,1.0\nr2,0,n/a\nr3,0,3.0\nr9,0,9.0\n') },
      { table: 'y' },
    );
    const outputs = { task: 'regression' as const, classes: [] };
    const joined = await joinLabels(
      db(),
      current,
      labels,
      { keys: ['request_id', 'row'], column: 'y' },
      outputs,
    );
    expect(Array.from(joined.labels)).toEqual([1, Number.NaN, 3, Number.NaN]);
    expect(joined).toMatchObject({ rows: 4, matched: 2, unknown: 1, conflicting: 0 });
    expect(labelNotes(joined, 'y.csv', outputs).map((n) => n.message)).toEqual([
      '--labels y.csv: 1 labels are not a number; left out.',
    ]);
  });

  it('says labels of the wrong kind are not classes, not that no id matched', async () => {
    const file = join(tmp.dir, 'labels-numbers.csv');
    await writeFile(
      file,
      `request_id,row,Species\n${labelLines.map((l, k) => l.replace(/,[^,]*$/, `,${k % 3}`)).join('\n')}\n`,
    );
    const run = await monitor(logDir, 'labels-numbers-out', ['--labels', file, '--label-column', 'Species']);
    expect(run.stderr).toBe('');
    const report = await readJson<MonitorReport>(join(tmp.dir, 'labels-numbers-out', 'monitor.json'));
    expect(report.performance?.window.labeled).toBe(0);
    expect(report.notes.map((n) => n.message).filter((m) => m.startsWith('--labels'))).toEqual([
      `--labels ${file}: ${ROWS} labels are not a class of the model (Adelie, Chinstrap, Gentoo); left out.`,
    ]);
  });
});

describe('a log whose values change kind after the first rows', () => {
  it('reads a feature that is whole (or null) in the first 20,480 rows and fractional later as numbers, unrounded', async () => {
    const dir = join(tmp.dir, 'late-fractions');
    const rows = 25_000;
    const late = (i: number) => i >= 24_000;
    const log = createPredictionLog({ dir });
    log.record({
      time: new Date('2026-11-26T07:15:00Z'),
      requestId: 'bulk',
      model: 'm',
      version: 'v1',
      rows,
      inputs: {
        mass: Float64Array.from({ length: rows }, (_, i) => (late(i) ? 3750.5 : 3750)),
        optional: Array.from({ length: rows }, (_, i) => (late(i) ? 1.25 : null)),
      },
      outputs: { prediction: Float64Array.from({ length: rows }, () => 1) },
    });
    await log.close();
    const files = await findPredictionLog(dir, 'm');
    if (!files) throw new Error('no log written');
    const loaded = await loadPredictionLog(db(), files, 'late_fractions');
    expect(loaded.rowCount).toBe(rows);
    expect(
      loaded.columns.filter((c) => c.name === 'mass' || c.name === 'optional').map((c) => c.kind),
    ).toEqual(['numeric', 'numeric']);
    const sums = await db().first<{ mass: number; optional: number }>(
      'SELECT sum(mass) AS mass, sum(optional) AS optional FROM late_fractions',
    );
    expect(sums).toEqual({ mass: 3750 * rows + 0.5 * 1000, optional: 1.25 * 1000 });
  });
});

describe('an hour rolled over into many files', () => {
  it('reads the files in the order the server wrote them: -1 after the unsuffixed file, -10 after -9', async () => {
    const dir = join(tmp.dir, 'rolled');
    const log = createPredictionLog({ dir, maxFileBytes: 100 });
    const ids = Array.from({ length: 12 }, (_, i) => `r${i}`);
    for (const id of ids) {
      log.record({
        time: new Date('2026-11-26T07:15:00Z'),
        requestId: id,
        model: 'm',
        version: 'v1',
        rows: 1,
        inputs: { x: [1] },
        outputs: { prediction: [1] },
      });
    }
    await log.close();
    const [hour] = await listPredictionLog(dir, 'm');
    expect(hour?.predictions).toHaveLength(ids.length);
    const files = await findPredictionLog(dir, 'm');
    expect(files?.predictions).toEqual(hour?.predictions);
    if (!files) throw new Error('no log written');
    await loadPredictionLog(db(), files, 'rolled');
    const order = await db().rows<{ id: string }>('SELECT request_id AS id FROM rolled ORDER BY rowid');
    expect(order.map((r) => r.id)).toEqual(ids);
  });
});

describe('rows the model gave NaN for (logged as null)', () => {
  interface Line {
    request_id: string;
    row: number;
    outputs: Record<string, number | string | null>;
  }
  const key = (l: Line) => `${l.request_id},${l.row}`;

  /** A copy of the log whose first three production rows have null probabilities (and label, if `label`). */
  async function withNullOutputs(name: string, label: boolean) {
    const log = await copyOfLog(name);
    const predictions = await log.file('predictions-');
    const lines = (await readFile(predictions, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
    for (const line of lines.slice(0, 3)) {
      for (const k of Object.keys(line.outputs)) {
        if (k.startsWith('probability_') || (label && k === 'label')) line.outputs[k] = null;
      }
    }
    await writeFile(predictions, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const truth = new Map(
      labelLines.map((l) => [l.slice(0, l.lastIndexOf(',')), l.slice(l.lastIndexOf(',') + 1)]),
    );
    const accuracy = (of: Line[]) =>
      of.filter((l) => l.outputs.label === truth.get(key(l))).length / of.length;
    return { dir: log.dir, lines, accuracy };
  }

  it('monitor estimates performance on the other rows, keeps the label the client got in realized metrics, and counts them', async () => {
    const { dir, lines, accuracy } = await withNullOutputs('null-probabilities', false);
    const run = await monitor(dir, 'null-probabilities-out', [
      '--labels',
      labelsFile,
      '--label-column',
      'Species',
    ]);
    expect(run.stderr).toBe('');
    const report = await readJson<MonitorReport>(join(tmp.dir, 'null-probabilities-out', 'monitor.json'));
    const window = report.performance?.window;
    expect(window).toMatchObject({ rows: ROWS, labeled: ROWS, unscored: 3 });
    expect(window?.realized.accuracy).toBeCloseTo(accuracy(lines), 12);
    // One null used to make every estimate null.
    expect(window?.estimated.accuracy).toEqual(expect.any(Number));
    expect(report.notes.map((n) => n.message)).toContainEqual(
      '3 rows have a null model output (the model gave NaN): left out of the estimated metrics, and of the realized ones where the row has no predicted label either.',
    );
  });

  it('monitor --compare leaves out pairs where one model gave no prediction at all, and counts them', async () => {
    const { dir, lines, accuracy } = await withNullOutputs('null-outputs-compare', true);
    const run = await compare(dir, 'null-outputs-compare-out');
    expect(run.stderr).toBe('');
    const report = await readJson<ShadowComparison>(
      join(tmp.dir, 'null-outputs-compare-out', 'compare.json'),
    );
    expect(report.rows.paired).toBe(ROWS);
    expect(report.window).toMatchObject({ rows: ROWS - 3, labeled: ROWS - 3 });
    expect(report.window.metrics?.production.accuracy).toBeCloseTo(accuracy(lines.slice(3)), 12);
    expect(report.notes.map((n) => n.message)).toContainEqual(
      '3 paired rows have no prediction from one of the models (no label, and a null probability or prediction: the model gave NaN); left out of the comparison.',
    );
  });
});
