import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { withoutMetadata } from '../../evaluate/test/penguin-models.js';
import { useGitSandbox } from '../../registry/test/git-fixture.js';
import {
  BYO_EXPECTED,
  BYO_MODELS,
  type ByoFixture,
  byoFixture,
  expectTorchOutputs,
  type PredictedRow,
} from '../../runtime/test/byo-fixtures.js';
import { runCli } from './run-cli.js';

const REPO_MODEL = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'registry',
  'penguins-species',
  'versions',
  'v1',
  'model.onnx',
);
const sandbox = useGitSandbox('cli-predict-byo');
const temp = sandbox.tmp;

/** The output file's rows as predictions: label and probability_<class> columns, or prediction. */
async function outputRows(path: string, classes: readonly string[] = []): Promise<PredictedRow[]> {
  const lines = (await readFile(path, 'utf8')).trim().split('\n');
  return lines.map((line) => {
    const row = JSON.parse(line) as Record<string, string | number>;
    if ('prediction' in row) return { prediction: row.prediction as number };
    const probabilities = classes.map((c) => row[`probability_${c}`] as number | undefined);
    return {
      label: row.label as string,
      ...(probabilities.every((p) => p !== undefined) && classes.length > 0
        ? { probabilities: probabilities as number[] }
        : {}),
    };
  });
}

/** `modelgate predict` of `model` on `input` into `output`, then any more flags. */
function predict(model: string, input: string, output: string, ...flags: string[]): string[] {
  return ['predict', '-m', model, '-i', input, '-o', output, ...flags];
}

/** A training output as `modelgate train` leaves it for a command trainer: model.onnx and metadata.json. */
async function trainingOutput(dir: string, fixture: ByoFixture): Promise<string> {
  await mkdir(dir, { recursive: true });
  await copyFile(fixture.path, join(dir, 'model.onnx'));
  await writeFile(join(dir, 'metadata.json'), JSON.stringify({ spec: fixture.spec }, null, 2));
  return dir;
}

describe('modelgate predict with a bring-your-own (torch-made) model', () => {
  let rows: string;
  beforeAll(async () => {
    rows = await temp.write('rows.json', JSON.stringify(BYO_EXPECTED.rows));
  });

  it.each(BYO_MODELS.map((name, i) => [name, i === 0 ? '1' : '0'] as const))(
    'scores a bare ONNX file described by --features/--classes/--task like torch (%s, --workers %s)',
    async (name, workers) => {
      const fixture = byoFixture(name);
      const output = temp.path(`${name}.jsonl`);
      const run = await runCli([
        '--json',
        ...predict(fixture.path, rows, output, '--workers', workers, ...fixture.flags),
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ model: { specSource: 'flags' }, rows: 20, scored: 20 });
      expectTorchOutputs(await outputRows(output, fixture.expected.classes), fixture.expected);
    },
  );

  it('writes the class names of integer labels, and P(MALE) [N] as both columns', async () => {
    const columns = byoFixture('columns-label-int');
    const output = temp.path('labels.csv');
    const run = await runCli(predict(columns.path, rows, output, '--workers', '0', ...columns.flags));
    expect(run.code).toBe(0);
    const lines = (await readFile(output, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('row,label');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(columns.expected.labels);

    const binary = byoFixture('binary-positive');
    const csv = temp.path('binary.csv');
    await runCli(predict(binary.path, rows, csv, '--workers', '0', ...binary.flags));
    expect((await readFile(csv, 'utf8')).split('\n')[0]).toBe(
      'row,label,probability_FEMALE,probability_MALE',
    );
  });

  it('passes the strings of a bare model with string inputs through (--classes only: features from its inputs)', async () => {
    const bare = await temp.write('bare-penguins.onnx', withoutMetadata(await readFile(REPO_MODEL)));
    const penguins = dataset('penguins.json');
    const [withSpec, withFlags] = [temp.path('recorded.csv'), temp.path('flags.csv')];
    expect((await runCli(predict(REPO_MODEL, penguins, withSpec, '--workers', '0'))).code).toBe(0);
    const run = await runCli(
      predict(
        bare,
        penguins,
        withFlags,
        '--workers',
        '0',
        '--chunk-rows',
        '100',
        '--classes',
        'Adelie,Chinstrap,Gentoo',
      ),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await readFile(withFlags, 'utf8')).toBe(await readFile(withSpec, 'utf8'));
  });

  it('reads the spec from a training output directory (metadata.json), no flags needed', async () => {
    const fixture = byoFixture('packed-label-int');
    const dir = await trainingOutput(temp.path('train-out'), fixture);
    const output = temp.path('from-dir.jsonl');
    const run = await runCli(['--json', ...predict(dir, rows, output, '--workers', '0')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).model).toMatchObject({ specSource: 'metadata.json' });
    expectTorchOutputs(await outputRows(output, fixture.expected.classes), fixture.expected);
  });

  it('reads the spec of a registered version (registered from a training output) by reference', async () => {
    const repo = await sandbox.repo();
    await writeFile(
      join(repo, 'modelgate.yaml'),
      'model: penguins-torch\ntask: multiclass\ntarget: Species\ndata: d.csv\n',
    );
    const fixture = byoFixture('packed-probabilities');
    const out = await trainingOutput(join(repo, 'out'), fixture);
    const registered = await runCli(['register', '--model', out], { cwd: repo });
    expect(registered.stderr).toBe('');
    expect(registered.code).toBe(0);
    const output = temp.path('from-registry.jsonl');
    const run = await runCli([
      '--json',
      ...predict('penguins-torch@v1', rows, output, '--registry', join(repo, 'registry'), '--workers', '0'),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).model).toMatchObject({
      version: 'penguins-torch@v1',
      specSource: 'metadata.json',
    });
    expectTorchOutputs(await outputRows(output, fixture.expected.classes), fixture.expected);
  });

  it('refuses a bare model without spec flags, and a wrong feature count, with one line, exit 2, nothing written', async () => {
    const fixture = byoFixture('packed-label-int');
    const dir = temp.path('never');
    const bare = await runCli(predict(fixture.path, rows, join(dir, 'x.csv')));
    expect(bare.code).toBe(2);
    expect(bare.stderr.trim().split('\n')).toHaveLength(1);
    expect(bare.stderr).toMatch(/packed-label-int\.onnx: the model records no spec/);
    expect(bare.stderr).toMatch(/--spec <file>.*--features a,b,c.*--classes x,y/);

    const three = fixture.spec.features.slice(0, 3).map((f) => f.name);
    const narrow = await runCli(
      predict(
        fixture.path,
        rows,
        join(dir, 'x.csv'),
        '--features',
        three.join(','),
        '--classes',
        'Adelie,Chinstrap,Gentoo',
      ),
    );
    expect(narrow.code).toBe(2);
    expect(narrow.stderr.trim().split('\n')).toHaveLength(1);
    expect(narrow.stderr).toMatch(
      /packed-label-int\.onnx: model input 'input' has width 4, expected 3 \(one column per feature, in order: Beak Length \(mm\), Beak Depth \(mm\), Flipper Length \(mm\)\)/,
    );

    const columns = byoFixture('columns-label-int');
    const renamed = await runCli(
      predict(
        columns.path,
        rows,
        join(dir, 'x.csv'),
        '--features',
        'a,b,c,d',
        '--classes',
        'Adelie,Chinstrap,Gentoo',
      ),
    );
    expect(renamed.code).toBe(2);
    expect(renamed.stderr).toMatch(
      /columns-label-int\.onnx: model input 'Beak Length \(mm\)' matches no feature column \(features: a, b, c, d\)/,
    );
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });
});
