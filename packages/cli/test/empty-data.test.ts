import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Database, parseProfile, quoteLiteral } from '@modelgate/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useTempDir } from '../../core/test/fixtures.js';
import { runCli } from './run-cli.js';

const tmp = useTempDir('cli-empty');
const MODEL = join(import.meta.dirname, '..', '..', '..', 'registry', 'penguins-species', 'versions', 'v1');
const HEADER = 'Species,Island,Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Body Mass (g),Sex';

/** Penguins columns without a row: a header-only CSV and a Parquet file of 0 rows. */
const files: Record<'csv' | 'parquet', string> = { csv: '', parquet: '' };

beforeAll(async () => {
  files.csv = await tmp.write('header-only.csv', `${HEADER}\n`);
  files.parquet = tmp.path('no-rows.parquet');
  const db = await Database.open();
  try {
    await db.run(
      `COPY (SELECT * FROM read_json(${quoteLiteral(dataset('penguins.json'))}) LIMIT 0) TO ${quoteLiteral(files.parquet)}`,
    );
  } finally {
    db.close();
  }
  const reference = await runCli(['profile', '-d', dataset('penguins.json'), '-o', tmp.path('reference')]);
  expect(reference.code).toBe(0);
});

describe.each(['csv', 'parquet'] as const)('data without rows (%s)', (kind) => {
  it('profile refuses it with exit 2 and writes nothing, unless --allow-empty', async () => {
    const out = tmp.path(`profile-${kind}`);
    const run = await runCli(['profile', '-d', files[kind], '-o', out]);
    expect(run.stderr).toMatch(/^modelgate: error: \S+: no rows \(a header only\?\)\. .*--allow-empty/);
    expect(run.code).toBe(2);
    expect(await readdir(out).catch(() => [])).toEqual([]);
    const allowed = await runCli(['profile', '-d', files[kind], '-o', out, '--allow-empty']);
    expect(allowed.code).toBe(0);
    expect(parseProfile(await readFile(join(out, 'profile.json'), 'utf8')).rows).toBe(0);
  });

  it('predict refuses it with exit 2 and writes nothing, unless --allow-empty', async () => {
    const output = tmp.path(`scores-${kind}`, 'scores.csv');
    const run = await runCli(['predict', '-m', MODEL, '-i', files[kind], '-o', output]);
    expect(run.stderr).toMatch(
      /^modelgate: error: \S+: no rows to score \(a header only\?\)\. Pass --allow-empty/,
    );
    expect(run.code).toBe(2);
    expect(await readdir(tmp.path(`scores-${kind}`)).catch(() => [])).toEqual([]);
    const allowed = await runCli(['predict', '-m', MODEL, '-i', files[kind], '-o', output, '--allow-empty']);
    expect(allowed.code).toBe(0);
    expect((await readFile(output, 'utf8')).trim().split('\n')).toEqual([
      'row,label,probability_Adelie,probability_Chinstrap,probability_Gentoo',
    ]);
  });

  it('monitor reports an empty window as an alert of its own (exit 1): a broken feed does not look healthy', async () => {
    const out = tmp.path(`monitor-${kind}`);
    const run = await runCli([
      'monitor',
      '--reference',
      tmp.path('reference', 'profile.json'),
      '--current',
      files[kind],
      '-o',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Alert: no rows in the window; /);
    const report = JSON.parse(await readFile(join(out, 'monitor.json'), 'utf8'));
    expect(report.verdict.alerts[0]).toEqual({
      kind: 'no_rows',
      chunk: null,
      message: 'no rows in the window: the current data has none (is the feed broken?)',
    });
    expect(await readFile(join(out, 'monitor.md'), 'utf8')).toContain(
      '- no rows in the window: the current data has none (is the feed broken?)',
    );
  });
});
