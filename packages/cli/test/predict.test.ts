import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useTempDir } from '../../core/test/fixtures.js';
import { writeModel } from '../../evaluate/test/penguin-models.js';
import { nullIntolerantClassifier } from '../../runtime/test/batch-fixtures.js';
import { runCli } from './run-cli.js';

const PENGUINS = dataset('penguins.json');
const REPO_REGISTRY = join(import.meta.dirname, '..', '..', '..', 'registry');
const temp = useTempDir('cli-predict');

describe('modelgate predict', () => {
  let registry: string;
  let packed: string;
  beforeAll(async () => {
    registry = temp.path('registry');
    await cp(REPO_REGISTRY, registry, { recursive: true });
    const model = nullIntolerantClassifier();
    packed = await writeModel(temp.dir, 'packed', model.bytes, model.spec);
  });

  it('scores with a registered model by stage, in parallel, and reports rows, rate and version', async () => {
    const summary = await temp.write('summary.md', '');
    const output = temp.path('scores.csv');
    const run = await runCli(
      [
        'predict',
        '-m',
        'penguins-species#staging',
        '--registry',
        registry,
        '-i',
        PENGUINS,
        '-o',
        output,
      ].concat(['--id', 'Island', 'Sex', '--workers', '2', '--chunk-rows', '100']),
      { jobSummary: summary },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.annotations).toBe('');
    const lines = (await readFile(output, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('row,Island,Sex,label,probability_Adelie,probability_Chinstrap,probability_Gentoo');
    expect(lines).toHaveLength(345);
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(
      Array.from({ length: 344 }, (_, i) => i + 1),
    );
    const page = await readFile(summary, 'utf8');
    expect(page).toContain('### Batch prediction');
    expect(page).toMatch(/\| 344 \| 344 \| 0 \| [\d.]+s \| [\d,]+ \| `penguins-species@v1` \|/);

    const json = await runCli(
      ['--json', 'predict', '-m', 'penguins-species@v1', '--registry', registry, '-i', PENGUINS].concat([
        '-o',
        temp.path('scores.jsonl'),
        '--workers',
        '0',
      ]),
    );
    expect(json.code).toBe(0);
    const data = JSON.parse(json.stdout);
    expect(data).toMatchObject({
      model: { version: 'penguins-species@v1' },
      rows: 344,
      scored: 344,
      rejected: 0,
      format: 'jsonl',
    });
    expect(data.rowsPerSecond).toBeGreaterThan(0);
    const first = JSON.parse((await readFile(temp.path('scores.jsonl'), 'utf8')).split('\n')[0] ?? '');
    expect(Object.keys(first)).toEqual([
      'row',
      'label',
      'probability_Adelie',
      'probability_Chinstrap',
      'probability_Gentoo',
    ]);
  });

  it('prints the summary line as text', async () => {
    const run = await runCli([
      'predict',
      '-m',
      join(registry, 'penguins-species', 'versions', 'v1', 'model.onnx'),
      '-i',
      PENGUINS,
      '-o',
      temp.path('text.parquet'),
      '--workers',
      '1',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^scored 344 of 344 rows with sha256:[0-9a-f]{12} in [\d.]+s \([\d,]+ rows\/s, 1 worker thread\)\nwrote .*text\.parquet\n$/,
    );
  });

  it('fails on rows it cannot score, naming them, and writes nothing', async () => {
    const dir = temp.path('fail');
    const run = await runCli(['predict', '-m', packed, '-i', PENGUINS, '-o', join(dir, 'scores.parquet')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^predict: rows that cannot be scored \(--on-error fail\); nothing written to /,
    );
    expect(run.stdout).toContain(
      "  row 4: the model cannot score a missing value in 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'",
    );
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });

  it('writes rejected rows with their reasons to the reject file', async () => {
    const rejects = temp.path('rejects.csv');
    const summary = await temp.write('reject-summary.md', '');
    const run = await runCli(
      ['predict', '-m', packed, '-i', PENGUINS, '-o', temp.path('kept.csv'), '--on-error', 'reject'].concat([
        '--reject',
        rejects,
      ]),
      { jobSummary: summary },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^scored 342 of 344 rows/);
    expect(run.stdout).toContain('rejected 2 rows -> ');
    expect(run.annotations).toContain('::warning');
    const lines = (await readFile(rejects, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('row,reason');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['4', '340']);
  });

  it('refuses a tampered registered model and bad input with one line, exit 2', async () => {
    const file = join(registry, 'penguins-species', 'versions', 'v1', 'model.onnx');
    const bytes = await readFile(file);
    const tampered = temp.path('tampered-registry');
    await cp(registry, tampered, { recursive: true });
    const copy = join(tampered, 'penguins-species', 'versions', 'v1', 'model.onnx');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await writeFile(copy, bytes);
    const refused = await runCli([
      'predict',
      '-m',
      'penguins-species#staging',
      '--registry',
      tampered,
      '-i',
      PENGUINS,
      '-o',
      temp.path('never.csv'),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refusing to load penguins-species v1: sha256 [0-9a-f]+ does not match/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);

    for (const [argv, message] of [
      [['-i', temp.path('nope.csv'), '-o', temp.path('x.csv')], /nope\.csv: no such file/],
      [['-i', PENGUINS, '-o', temp.path('x.xlsx')], /unknown output extension '\.xlsx'/],
      [
        ['-i', PENGUINS, '-o', temp.path('x.csv'), '--workers', 'many'],
        /--workers 'many': expected an integer/,
      ],
      [['-i', dataset('cars.json'), '-o', temp.path('x.csv')], /cars\.json: no column 'Island'/],
    ] as const) {
      const run = await runCli(['predict', '-m', 'penguins-species@v1', '--registry', registry, ...argv]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
