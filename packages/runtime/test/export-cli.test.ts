import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/test/run-cli.js';
import { useDatabase, useTempDir } from '../../core/test/fixtures.js';
import type { WebSchema } from '../src/index.js';
import { BYO_EXPECTED, byoFixture } from './byo-fixtures.js';
import { linearCsv, linearRegressor } from './web/linear-fixture.js';
import { type Penguins, trainPenguins } from './web/penguin-fixture.js';

const REGISTRY = fileURLToPath(new URL('../../../registry', import.meta.url));
const db = useDatabase();
const temp = useTempDir('export-cli');
let penguins: Penguins;
let gbdt: string;
let logistic: string;
let linear: string;
let linearHoldout: string;

beforeAll(async () => {
  penguins = await trainPenguins(db(), temp.path('train'));
  gbdt = await temp.write('gbdt.onnx', penguins.models.gbdt);
  logistic = await temp.write('logistic.onnx', penguins.models.logistic);
  linear = await temp.write('linear.onnx', linearRegressor());
  linearHoldout = await temp.write('linear.csv', linearCsv());
});

/** `modelgate export -m <model> -t web -o <out> [flags]`. */
const exportWeb = (model: string, out: string, ...flags: string[]) =>
  runCli(['export', '-m', model, '-t', 'web', '-o', out, ...flags]);

const exists = (path: string) =>
  readdir(path).then(
    () => true,
    () => false,
  );

describe('modelgate export --target web', () => {
  it('bundles a registered model by reference, after checking its sha256', async () => {
    const out = temp.path('registry-bundle');
    const run = await runCli([
      'export',
      '--model',
      'penguins-species@v1',
      '--registry',
      REGISTRY,
      '--target',
      'web',
      '--out',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^wrote web bundle .*registry-bundle \(9 files, [\d.]+ MB\): penguins-species@v1 \(multiclass, 3 classes, 6 features\)\n/,
    );
    const schema = JSON.parse(await readFile(`${out}/schema.json`, 'utf8')) as WebSchema;
    expect(schema).toMatchObject({ title: 'penguins-species@v1', task: 'multiclass', target: 'Species' });
  });

  it("titles the page with the model file's name, never the local path, or with --title", async () => {
    const out = temp.path('titled-by-file');
    expect((await exportWeb(logistic, out)).code).toBe(0);
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).toContain('<title>logistic.onnx</title>');
    expect(html).toContain('<h1>logistic.onnx</h1>');
    expect(html).not.toContain(temp.dir);
    const schema = JSON.parse(await readFile(join(out, 'schema.json'), 'utf8')) as WebSchema;
    expect(schema.title).toBe('logistic.onnx');
    expect(JSON.stringify(schema)).not.toContain(temp.dir);

    const titled = temp.path('titled-by-flag');
    expect((await exportWeb(logistic, titled, '--title', ' Penguin species ')).code).toBe(0);
    expect(await readFile(join(titled, 'index.html'), 'utf8')).toContain('<title>Penguin species</title>');
    for (const bad of ['', 'two\nlines']) {
      const run = await exportWeb(logistic, temp.path('never-titled'), '--title', bad);
      expect(run.stderr).toMatch(/^modelgate: error: --title: expected one line of text/);
      expect(run.code).toBe(2);
    }
  });

  it('prints the size saving and the holdout check with --quantize, as JSON too', async () => {
    const out = temp.path('fp16');
    const run = await runCli([
      '--json',
      'export',
      '-m',
      logistic,
      '-t',
      'web',
      '-o',
      out,
      '--quantize',
      'fp16',
      '--holdout',
      penguins.holdout,
    ]);
    expect(run.code).toBe(0);
    const data = JSON.parse(run.stdout) as {
      quantize: { mode: string; originalBytes: number; quantizedBytes: number };
      quality: { metric: string; passed: boolean };
      files: { name: string; bytes: number }[];
    };
    expect(data.quantize.mode).toBe('fp16');
    expect(data.quantize.quantizedBytes).toBeLessThan(data.quantize.originalBytes);
    expect(data.quality).toMatchObject({ metric: 'accuracy', passed: true });
    expect(data.files.find((f) => f.name === 'model.onnx')?.bytes).toBe(data.quantize.quantizedBytes);
    const text = await exportWeb(
      logistic,
      temp.path('fp16-text'),
      '--quantize',
      'fp16',
      '--holdout',
      penguins.holdout,
    );
    expect(text.stdout).toMatch(
      /\nquantize fp16: \d+ tensors? \(\d+ values\), model [\d.]+ kB -> [\d.]+ kB \(\d+ B, [\d.]+% smaller\)\n/,
    );
    expect(text.stdout).toMatch(
      /\nholdout .* \(\d+ rows\): accuracy [\d.]+ -> [\d.]+ \(drop -?[\d.]+\) <= tolerance 0\.01; max probability delta /,
    );
  });

  it('says a tree ensemble has nothing to quantize and bundles the original', async () => {
    const out = temp.path('gbdt-int8');
    const run = await exportWeb(gbdt, out, '--quantize', 'int8', '--holdout', penguins.holdout);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /\nwarning: quantize int8: nothing to quantize: the model is a tree ensemble: .*; the bundle has the original model\n$/,
    );
    expect(Buffer.from(await readFile(`${out}/model.onnx`)).equals(Buffer.from(penguins.models.gbdt))).toBe(
      true,
    );
  });

  it('refuses a quantization that loses more than --tolerance and writes nothing; --allow-quality-drop warns', async () => {
    const out = temp.path('refused');
    const refused = await exportWeb(
      linear,
      out,
      '--quantize',
      'int8',
      '--holdout',
      linearHoldout,
      '--tolerance',
      '0.000001',
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(
      /\nholdout .*linear\.csv \(120 rows\): rmse [\d.]+ -> [\d.]+ \([\d.]+% worse\) exceeds tolerance 0\.000001; max prediction delta/,
    );
    expect(refused.stdout).toMatch(
      /\nrefused: the quantized model is worse than --tolerance allows; nothing written/,
    );
    expect(await exists(out)).toBe(false);
    const allowed = await exportWeb(
      linear,
      out,
      '--quantize',
      'int8',
      '--holdout',
      linearHoldout,
      '--tolerance',
      '0.000001',
      '--allow-quality-drop',
    );
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(
      /\nwarning: holdout .* exceeds tolerance 0\.000001.*\(--allow-quality-drop\)\n$/,
    );
    expect(await exists(out)).toBe(true);
  });

  it('refuses to overwrite a non-empty --out without --force', async () => {
    const out = temp.path('taken');
    await exportWeb(gbdt, out);
    await writeFile(`${out}/keep.txt`, 'x');
    const again = await exportWeb(logistic, out);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /the directory is not empty \(10 entries\); choose an empty one, or pass --force/,
    );
    const forced = await exportWeb(logistic, out, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/\nreplaced 9 existing files \(--force\)\n/);
  });

  it.each([
    [['-t', 'mobile'], /^modelgate: error: --target mobile: unknown target\. Expected web\.\n$/],
    [
      ['-t', 'web', '--quantize', 'int4', '--holdout', 'x.csv'],
      /--quantize int4: unknown mode\. Expected fp16 or int8\.\n$/,
    ],
    [
      ['-t', 'web', '--quantize', 'fp16'],
      /--quantize fp16: pass --holdout <data file> to check the quantized model against the original \(or --allow-quality-drop to skip the check\)\.\n$/,
    ],
    [['-t', 'web', '--holdout', 'x.csv'], /--holdout: only used with --quantize int8\|fp16\.\n$/],
    [
      ['-t', 'web', '--quantize', 'fp16', '--holdout', 'x.csv', '--tolerance', 'lots'],
      /--tolerance 'lots': expected a number such as 0\.1\.\n$/,
    ],
    [
      ['-t', 'web', '--quantize', 'fp16', '--holdout', 'x.csv', '--tolerance', '-1'],
      /--tolerance '-1': expected a number >= 0 such as 0\.01\.\n$/,
    ],
  ])('refuses bad flags with one line: %s', async (flags, message) => {
    const run = await runCli(['export', '-m', gbdt, '-o', temp.path('never'), ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('bundles a bare torch model described by --features/--classes: packed input, integer labels', async () => {
    const fixture = byoFixture('packed-label-int');
    const out = temp.path('byo-flags');
    const run = await runCli([
      '--json',
      'export',
      '-m',
      fixture.path,
      '-t',
      'web',
      '-o',
      out,
      ...fixture.flags,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).model).toMatchObject({ label: fixture.path, specSource: 'flags' });
    const schema = JSON.parse(await readFile(`${out}/schema.json`, 'utf8')) as WebSchema;
    expect(schema).toMatchObject({
      task: 'multiclass',
      target: null,
      classes: ['Adelie', 'Chinstrap', 'Gentoo'],
      inputs: { mode: 'packed', name: 'input', type: 'float32' },
      outputs: { probabilities: 'probabilities', label: 'label' },
    });
    expect(schema.features.map((f) => f.name)).toEqual(fixture.expected.features);
  });

  it('bundles a training output directory (the spec from its metadata.json), and checks fp16 on a holdout with --spec', async () => {
    const fixture = byoFixture('regression-variable');
    const dir = temp.path('byo-train-out');
    await mkdir(dir, { recursive: true });
    await copyFile(fixture.path, join(dir, 'model.onnx'));
    await writeFile(join(dir, 'metadata.json'), JSON.stringify({ spec: fixture.spec }));
    const out = temp.path('byo-dir');
    const run = await exportWeb(dir, out);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const schema = JSON.parse(await readFile(`${out}/schema.json`, 'utf8')) as WebSchema;
    expect(schema).toMatchObject({
      task: 'regression',
      target: 'Body Mass (g)',
      outputs: { prediction: 'variable' },
    });

    const binary = byoFixture('binary-positive');
    const spec = await temp.write('binary-spec.json', JSON.stringify(binary.spec));
    const holdout = await temp.write('byo-holdout.json', JSON.stringify(BYO_EXPECTED.rows));
    const checked = await exportWeb(
      binary.path,
      temp.path('byo-fp16'),
      '--spec',
      spec,
      '--quantize',
      'fp16',
      '--holdout',
      holdout,
    );
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(
      /\nholdout .*byo-holdout\.json \(18 rows\): accuracy [\d.]+ -> [\d.]+ \(drop -?[\d.]+\) <= tolerance 0\.01/,
    );
  });

  it('refuses a bare model without a spec, with the wrong feature count, or a holdout check without a target: one line, nothing written', async () => {
    const fixture = byoFixture('packed-probabilities');
    const out = temp.path('byo-never');
    const bare = await exportWeb(fixture.path, out);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(
      /^modelgate: error: .*packed-probabilities\.onnx: the model records no spec .*Describe it with --spec <file> .*, or --features a,b,c with --classes x,y/,
    );
    const narrow = await exportWeb(fixture.path, out, '--features', 'a,b,c', '--classes', 'x,y,z');
    expect(narrow.code).toBe(2);
    expect(narrow.stderr).toMatch(/packed-probabilities\.onnx: model input 'input' has width 4, expected 3 /);
    const holdout = await temp.write('no-target.json', JSON.stringify(BYO_EXPECTED.rows));
    const untargeted = await exportWeb(
      fixture.path,
      out,
      ...fixture.flags,
      '--quantize',
      'fp16',
      '--holdout',
      holdout,
    );
    expect(untargeted.code).toBe(2);
    expect(untargeted.stderr).toMatch(
      /packed-probabilities\.onnx: the model's spec names no target, so --holdout cannot score it; describe the model with --spec <file> holding "target"/,
    );
    for (const run of [bare, narrow, untargeted]) expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(await exists(out)).toBe(false);
  });

  it('names a model that is neither a file nor a registry reference', async () => {
    const run = await runCli(['export', '-m', 'nope/model.onnx', '-t', 'web', '-o', temp.path('never')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'modelgate: error: --model nope/model.onnx: no such file, and not a registry reference (name#stage, name@v3).\n',
    );
  });
});
