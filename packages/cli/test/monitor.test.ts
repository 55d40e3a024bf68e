import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Database, quoteLiteral } from '@modelgate/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useTempDir } from '../../core/test/fixtures.js';
import { useGitSandbox } from '../../registry/test/git-fixture.js';
import { runCli } from './run-cli.js';

const tmp = useTempDir('cli-monitor');
const sandbox = useGitSandbox('cli-monitor-registry');

/** seattle-weather by year, as CSV files, and a profile of 2012 written by `modelgate profile`. */
beforeAll(async () => {
  const db = await Database.open();
  try {
    const source = `read_csv(${quoteLiteral(dataset('seattle-weather.csv'))})`;
    for (const year of [2012, 2015]) {
      await db.run(
        `COPY (SELECT * FROM ${source} WHERE year(date) = ${year}) TO ${quoteLiteral(tmp.path(`${year}.csv`))}`,
      );
    }
    for (const half of [1, 2]) {
      await db.run(
        `COPY (SELECT * FROM ${source} WHERE year(date) = 2015 AND (month(date) <= 6) = ${half === 1}) TO ${quoteLiteral(tmp.path(`2015-h${half}.csv`))}`,
      );
    }
  } finally {
    db.close();
  }
  const profiled = await runCli(['profile', '-d', tmp.path('2012.csv'), '-o', tmp.path('reference')]);
  expect(profiled.code).toBe(0);
});

const reference = () => tmp.path('reference', 'profile.json');

describe('modelgate monitor', () => {
  it('exits 1 on drift and writes monitor.json and monitor.md', async () => {
    const out = tmp.path('out-drift');
    const run = await runCli([
      'monitor',
      '--reference',
      reference(),
      '--current',
      tmp.path('2015.csv'),
      '--time',
      'date',
      '--chunk',
      'month',
      '--out',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Alert: dataset drift \(3 of 5 columns drifted\); /);
    expect(run.stdout).toContain('in 12 chunks (month).');
    expect(run.stdout).toMatch(
      /\n {2}dataset drift: 3 of 5 columns drifted \(share 0\.6 ≥ 0\.5\): temp_max, temp_min, weather\n/,
    );
    expect(run.stdout).toMatch(/\ncolumn +kind +status +test +statistic/);
    expect(run.stdout).toMatch(/\nWrote .*monitor\.json and .*monitor\.md\.\n$/);
    const report = JSON.parse(await readFile(join(out, 'monitor.json'), 'utf8'));
    expect(report).toMatchObject({ format: 'modelgate.monitor/1', verdict: { alert: true } });
    expect(report.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const markdown = await readFile(join(out, 'monitor.md'), 'utf8');
    expect(markdown.split('\n')[0]).toMatch(/^\*\*Alert\*\*: dataset drift/);
  });

  it('exits 0 when the current data is the reference, and prints the report with --json', async () => {
    const run = await runCli([
      '--json',
      'monitor',
      '--reference',
      reference(),
      '--current',
      tmp.path('2012.csv'),
      '--out',
      tmp.path('out-same'),
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.verdict).toEqual({
      alert: false,
      headline: expect.stringMatching(/^No alert: 0 of 5 columns drifted; outlier rate/),
      alerts: [],
    });
    expect(report.settings.chunk).toBe('all');
  });

  it('takes a config with only a monitor section, and drift flags over it', async () => {
    const dir = tmp.path('monitor-only');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'modelgate.yaml'),
      'time: date\nmonitor:\n  chunk: month\n  drift:\n    by_column:\n      wind: { method: wasserstein }\n',
    );
    const args = ['--json', 'monitor', '--reference', reference(), '--current', tmp.path('2015.csv')];
    const fromConfig = await runCli([...args, '-o', join(dir, 'a')], { cwd: dir });
    expect(fromConfig.stderr).toBe('');
    const configured = JSON.parse(fromConfig.stdout);
    expect(configured.settings).toMatchObject({ chunk: 'month', time: 'date', shareThreshold: 0.5 });
    expect(configured.window.datasetDrift).toBe(true);
    const method = (
      report: { columns: { column: string; method: string; threshold: number }[] },
      name: string,
    ) => report.columns.find((c) => c.column === name);
    expect(method(configured, 'wind')).toMatchObject({ method: 'wasserstein', threshold: 0.1 });

    const flagged = await runCli(
      [
        ...args,
        '-o',
        join(dir, 'b'),
        '--method',
        'precipitation=wasserstein',
        '--threshold',
        'wasserstein=0.5',
        '--threshold',
        'temp_max=0.01',
        '--drift-share',
        '1',
      ],
      { cwd: dir },
    );
    const report = JSON.parse(flagged.stdout);
    expect(report.settings.shareThreshold).toBe(1);
    expect(report.window.datasetDrift).toBe(false);
    expect(method(report, 'wind')).toMatchObject({ method: 'wasserstein', threshold: 0.5 });
    expect(method(report, 'precipitation')).toMatchObject({ method: 'wasserstein', threshold: 0.5 });
    expect(method(report, 'temp_max')).toMatchObject({ method: 'ks', threshold: 0.01 });
    expect(report.chunks[0].drift.columns.find((c: { column: string }) => c.column === 'wind')).toMatchObject(
      {
        method: 'wasserstein',
        threshold: 0.5,
        sketchError: expect.any(Number),
      },
    );

    for (const [flag, value, says] of [
      ['--method', 'rain=ks', "--method 'rain=ks': 'rain' is not a column of the reference."],
      ['--method', 'wind=t-test', "--method 'wind=t-test': unknown method 't-test'."],
      ['--threshold', 'wind', "--threshold 'wind': expected <column or method>=<number>"],
      ['--drift-share', '2', "--drift-share '2': expected a share in (0, 1]"],
    ] as const) {
      const bad = await runCli([...args, '-o', join(dir, 'c'), flag, value], { cwd: dir });
      expect(bad.code, `${flag} ${value}`).toBe(2);
      expect(bad.stderr).toContain(says);
    }
  });

  it('reads a directory of profiles as the current window', async () => {
    const dir = tmp.path('profiles');
    for (const half of [1, 2]) {
      const made = await runCli(['profile', '-d', tmp.path(`2015-h${half}.csv`), '-o', tmp.path(`p${half}`)]);
      expect(made.code).toBe(0);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `2015-h${half}.json`), await readFile(tmp.path(`p${half}`, 'profile.json')));
    }
    const run = await runCli([
      '--json',
      'monitor',
      '--reference',
      reference(),
      '--current',
      dir,
      '-o',
      tmp.path('out-dir'),
    ]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.current).toMatchObject({ input: 'profiles', rows: 365 });
    expect(report.chunks.map((c: { label: string }) => c.label)).toEqual(['2015-h1', '2015-h2']);
  });

  it('writes the job summary and one annotation per alert under GitHub Actions', async () => {
    const summary = tmp.path('summary.md');
    await writeFile(summary, '');
    const run = await runCli(
      ['monitor', '--reference', reference(), '--current', tmp.path('2015.csv'), '-o', tmp.path('out-gha')],
      { jobSummary: summary },
    );
    expect(run.code).toBe(1);
    expect(run.annotations).toContain(
      '::error title=modelgate monitor::dataset drift: 3 of 5 columns drifted',
    );
    const written = await readFile(summary, 'utf8');
    expect(written).toContain('**Alert**: dataset drift (3 of 5 columns drifted)');
    expect(written).toContain('#### Columns');
  });

  const ref = ['--reference', 'reference/profile.json'];
  it.each([
    [['--current', '2015.csv'], /--model or --reference: missing/],
    [[...ref, '--model', 'm', '--current', '2015.csv'], /--model and --reference: pass one/],
    [['--reference', 'missing.json', '--current', '2015.csv'], /missing\.json/],
    [
      [...ref, '--current', '2015.csv', '--chunk', 'daily'],
      /--chunk 'daily': expected hour, day, week, month/,
    ],
    [[...ref, '--current', '2015.csv', '--chunk', 'day'], /--chunk day: needs a time column/],
    [[...ref, '--current', '2015.csv', '--time', 'when'], /--time when: not a column of 2015\.csv/],
    [[...ref, '--current', 'nothing.csv'], /nothing\.csv: no such file/],
    [[...ref, '--current', '2015.csv', '--sigma', 'wide'], /--sigma 'wide': expected a number/],
    [[...ref, '--current', '2015.csv', '--out', '2012.csv'], /--out 2012\.csv: is a file/],
  ])('exits 2 on bad input: %j', async (args, message) => {
    const run = await runCli(['monitor', ...args], { cwd: tmp.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('modelgate monitor --model', () => {
  let repo: string;
  beforeAll(async () => {
    repo = await sandbox.repo();
    await writeFile(
      join(repo, 'modelgate.yaml'),
      'model: seattle\ntask: multiclass\ntarget: weather\ntime: date\ndata: d.csv\nmonitor:\n  chunk: month\n',
    );
    const artifacts = await sandbox.artifacts({
      model: { note: 'seattle' },
      'reference-profile.json': await readFile(reference(), 'utf8'),
    });
    const registered = await runCli(['register', '--model', artifacts], { cwd: repo });
    expect(registered.code).toBe(0);
  });

  it("reads the version's reference profile from the registry, with the config's time, chunks and target", async () => {
    const run = await runCli(
      ['--json', 'monitor', '--model', 'seattle@v1', '--current', tmp.path('2015.csv')],
      {
        cwd: repo,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.model).toEqual({ name: 'seattle', version: 'v1', stages: [] });
    expect(report.reference.source).toMatch(/registry\/seattle\/versions\/v1\/reference-profile\.json$/);
    expect(report.settings).toMatchObject({ chunk: 'month', time: 'date' });
    expect(report.columns.find((c: { column: string }) => c.column === 'weather')).toMatchObject({
      role: 'target',
    });
    expect(report.window.evaluated).toBe(4);
    const missing = await runCli(
      ['monitor', '--model', 'seattle#production', '--current', tmp.path('2015.csv'), '--force'],
      {
        cwd: repo,
      },
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/seattle has no version in production yet/);
  });

  it('refuses a reference profile whose sha256 does not match metadata.json', async () => {
    await appendFile(join(repo, 'registry', 'seattle', 'versions', 'v1', 'reference-profile.json'), '\n');
    const run = await runCli(
      ['monitor', '--model', 'seattle', '--current', tmp.path('2015.csv'), '--force'],
      {
        cwd: repo,
      },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /reference-profile\.json: refusing to use it: sha256 [0-9a-f]{64} does not match/,
    );
  });
});
