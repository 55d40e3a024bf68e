import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useTempDir } from '../../core/test/fixtures.js';
import { writeProject } from './project-fixture.js';
import { runCli } from './run-cli.js';

const penguins = dataset('penguins.json');
const weather = dataset('seattle-weather.csv');

const tmp = useTempDir('validate');
let schema: string;

beforeAll(async () => {
  schema = tmp.path('penguins.contract.json');
  const run = await runCli(['validate', '--data', penguins, '--write-schema', schema]);
  expect(run.code).toBe(0);
});
type Penguin = Record<string, string | number | null>;

/** penguins.json with a few rows changed, the way drifted data arrives. */
async function driftedPenguins(name: string, change: (rows: Penguin[]) => void): Promise<string> {
  const rows = JSON.parse(await readFile(penguins, 'utf8')) as Penguin[];
  change(rows);
  return tmp.write(name, JSON.stringify(rows));
}

describe('modelgate validate', () => {
  it('describes the data when given neither --schema nor --write-schema', async () => {
    const run = await runCli(['validate', '--data', weather]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        `${weather}: 1461 rows, 6 columns (csv)`,
        '  column         kind         type',
        '  date           datetime     DATE',
        '  precipitation  numeric      DOUBLE',
        '  temp_max       numeric      DOUBLE',
        '  temp_min       numeric      DOUBLE',
        '  wind           numeric      DOUBLE',
        '  weather        categorical  VARCHAR',
        '',
      ].join('\n'),
    );
    const json = await runCli(['--json', 'validate', '--data', weather]);
    expect(JSON.parse(json.stdout)).toMatchObject({ rows: 1461, format: 'csv', files: [weather] });
  });

  it('writes a contract from penguins, and penguins passes it', async () => {
    const out = tmp.path('again.json');
    const write = await runCli(['validate', '--data', penguins, '--write-schema', out]);
    expect(write.stdout).toBe(
      `wrote ${out} from ${penguins} (344 rows): 7 columns, 4 ranges, 3 category sets, rows >= 172\n`,
    );
    expect(await readFile(out, 'utf8')).toBe(await readFile(schema, 'utf8'));
    const check = await runCli(['validate', '--data', penguins, '--schema', out]);
    expect(check.code).toBe(0);
    expect(check.stdout).toBe(`${penguins}: ok against ${out} (344 rows, 15 rules)\n`);
  });

  it('writes a key given with --key, and refuses a key column the data lacks', async () => {
    const keyed = await tmp.write('keyed.csv', 'id,x\n1,a\n2,b\n');
    const out = tmp.path('keyed.json');
    expect((await runCli(['validate', '--data', keyed, '--write-schema', out, '--key', 'id'])).code).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8')).key).toEqual(['id']);
    const bad = tmp.path('not-written.json');
    const run = await runCli(['validate', '--data', keyed, '--write-schema', bad, '--key', 'id,nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`modelgate: error: key column 'nope' is not in ${keyed}. Columns: id, x.\n`);
    await expect(access(bad)).rejects.toThrow();
  });

  it('exits 1 with one line per violation for seattle-weather against the penguins contract', async () => {
    const run = await runCli(['validate', '--data', weather, '--schema', schema]);
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${weather}: 13 violations of ${schema} (1461 rows, 14 rules)`);
    expect(lines[1]).toBe('Species: missing_column: in the contract (categorical) but not in the data');
    expect(lines[13]).toBe(
      'weather: extra_column: in the data (categorical, VARCHAR) but not in the contract',
    );
    const json = await runCli(['--json', 'validate', '--data', weather, '--schema', schema]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ ok: false, rows: 1461, columns: 6, rules: 14 });
    expect(report.violations.map((v: { rule: string }) => v.rule)).toEqual([
      ...Array(7).fill('missing_column'),
      ...Array(6).fill('extra_column'),
    ]);
  });

  it('lists drifted values with counts and row numbers', async () => {
    const data = await driftedPenguins('drifted.json', (rows) => {
      for (const i of [3, 7]) (rows[i] as Penguin).Island = 'Atlantis';
      (rows[0] as Penguin)['Body Mass (g)'] = 9000;
    });
    const run = await runCli(['validate', '--data', data, '--schema', schema]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        `${data}: 2 violations of ${schema} (344 rows, 15 rules)`,
        "Island: categories: 1 value not among the 3 allowed categories (2 rows, e.g. 'Atlantis' (row 4))",
        'Body Mass (g): range: values outside [2700, 6300] (1 row, e.g. 9000 (row 1))',
        '',
      ].join('\n'),
    );
  });

  it('under GitHub Actions, annotates each violation and writes a summary table', async () => {
    const data = await driftedPenguins('few.json', (rows) => rows.splice(100));
    const summary = await tmp.write('summary.md', '');
    const run = await runCli(['validate', '--data', data, '--schema', schema], { jobSummary: summary });
    expect(run.code).toBe(1);
    expect(run.annotations).toContain(
      `::error title=modelgate validate,file=${data}::row_count: 100 rows, expected at least 172`,
    );
    expect(await readFile(summary, 'utf8')).toContain(
      '| column | rule | rows | message | examples |\n|---|---|---:|---|---|\n|  | row_count |  | 100 rows, expected at least 172 |  |',
    );
  });

  it.each([
    [
      '--schema and --write-schema',
      ['--schema', 'a.json', '--write-schema', 'b.json'],
      /^--schema and --write-schema: pass one\./,
    ],
    ['--key without --write-schema', ['--key', 'id'], /^--key: only used with --write-schema/],
    [
      'an unknown --format',
      ['--format', 'xlsx'],
      /^--format xlsx: unknown format\. Expected one of csv, tsv/,
    ],
  ])('refuses %s with exit 2', async (_, flags, expected) => {
    const run = await runCli(['validate', '--data', penguins, ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr.replace('modelgate: error: ', '')).toMatch(expected);
  });

  it('exits 2 without --data where no modelgate.yaml names data', async () => {
    const run = await runCli(['validate'], { cwd: tmp.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--data: no data given and no modelgate.yaml here.');
  });

  it('reads the data named by the modelgate.yaml in the working directory, relative to it', async () => {
    const root = await writeProject(tmp.path('project'));
    const run = await runCli(['validate'], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`${join('data', 'penguins.json')}: 344 rows, 7 columns (json)`);
  });

  it('reads the data named by a --config elsewhere, relative to the config file', async () => {
    const root = await writeProject(tmp.path('elsewhere'));
    const run = await runCli(['validate', '--config', join(root, 'modelgate.yaml'), '--schema', schema], {
      cwd: tmp.dir,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `${join(root, 'data', 'penguins.json')}: ok against ${schema} (344 rows, 15 rules)\n`,
    );
  });

  it.each([
    ['bad CSV quoting', 'quote.csv', 'a,b\n1,"x\n2,y\n', /quote\.csv: malformed CSV: Quote Not Closed/],
    [
      'the wrong encoding',
      'latin1.csv',
      Buffer.from('a,b\n1,caf\xe9\n', 'latin1'),
      /latin1\.csv: not UTF-8 \(Latin-1 or Windows-1252\?\) at byte 9\./,
    ],
    ['an empty file', 'empty.csv', '', /empty\.csv: file is empty/],
    ['an unknown extension', 'data.xlsx', 'x', /data\.xlsx: unknown data file extension '\.xlsx'/],
    ['a missing file', undefined, '', /missing\.csv: no such file\./],
  ])('exits 2 with one line and no stack for %s', async (_, name, content, expected) => {
    const path = name ? await tmp.write(name, content) : tmp.path('missing.csv');
    const run = await runCli(['validate', '--data', path, '--schema', schema]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^modelgate: error: [^\n]*\n$/);
    expect(run.stderr).toMatch(expected);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [
      'a wrong version',
      '{"version": 3, "rows": {"min": 1}, "columns": []}',
      'version: unsupported version 3. Supported contract versions: 1.',
    ],
    ['malformed JSON', '{"version": 1', 'invalid JSON: '],
    [
      'a bad field',
      '{"version": 1, "rows": {"min": 1}, "columns": [{"name": "Species", "kind": "categorical", "nullable": "no"}]}',
      'columns[0].nullable: Invalid input: expected boolean, received string.',
    ],
  ])('exits 2 naming the contract file and field for %s', async (_, content, expected) => {
    const bad = await tmp.write('bad-contract.json', content);
    const run = await runCli(['validate', '--data', penguins, '--schema', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`modelgate: error: ${bad}: ${expected}`);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
