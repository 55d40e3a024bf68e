import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withoutMetadata } from '../../evaluate/test/penguin-models.js';
import { useGitSandbox } from '../../registry/test/git-fixture.js';
import { PENGUINS_CONFIG, writeProject } from './project-fixture.js';
import { runCli } from './run-cli.js';

const sandbox = useGitSandbox('cli-evaluate');

const SETTINGS = `evaluate:
  bootstrap: {resamples: 200}
  latency: {runs: 20, warmup: 2}
  throughput: {batch_rows: 100, runs: 2}
`;
const LOGISTIC = 'train:\n  candidates:\n    - algorithm: logistic\n';
const GBDT = 'train:\n  candidates:\n    - algorithm: gbdt\n      params: {rounds: 15}\n';
const PASSING_GATE = 'gate:\n  accuracy: {min: 0.8, non_inferiority: 0.2}\n  latency_p99_ms: {max: 100000}\n';
const FAILING_GATE = 'gate:\n  accuracy: {min: 0.8, min_improvement: 0.5}\n';

const OUTPUTS = ['evaluation.json', 'report.html', 'report.md'];

describe('modelgate evaluate', () => {
  let root: string;
  beforeAll(async () => {
    root = await writeProject(
      await sandbox.repo('project'),
      PENGUINS_CONFIG + LOGISTIC + PASSING_GATE + SETTINGS,
    );
    await writeFile(join(root, 'gbdt.yaml'), PENGUINS_CONFIG + GBDT);
    await writeFile(join(root, 'strict.yaml'), PENGUINS_CONFIG + FAILING_GATE + SETTINGS);
    for (const argv of [
      ['split', '--out', 'splits'],
      ['train', '--splits', 'splits', '--out', 'logistic'],
      ['train', '--config', 'gbdt.yaml', '--splits', 'splits', '--out', 'gbdt'],
    ]) {
      const { code, stderr } = await runCli(argv, { cwd: root });
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
  });

  it('evaluates a model without a champion: absolute thresholds, and says so', async () => {
    const { code, stdout, stderr } = await runCli(
      ['evaluate', '--model', 'logistic', '--splits', 'splits', '--out', 'eval'],
      { cwd: root },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Evaluated logistic\/model\.onnx on splits\/test\.parquet \(\d+ rows\) against no champion \(penguins-species is not in the registry \(registry\) yet\)\.\n/,
    );
    expect(stdout).toContain(
      'Gate: pass: 2 of 2 rules pass; no champion yet: the gate uses the absolute thresholds (min, max) alone',
    );
    expect(stdout).toMatch(/ {2}- accuracy non_inferiority: no champion yet/);
    expect(stdout).toMatch(/\n {2}accuracy\s+[\d.]+\n/);
    expect(stdout).toContain('Wrote eval/evaluation.json, eval/report.md, eval/report.html.');
    expect((await readdir(join(root, 'eval'))).sort()).toEqual(OUTPUTS);
    const doc = JSON.parse(await readFile(join(root, 'eval', 'evaluation.json'), 'utf8'));
    expect(doc).toMatchObject({ version: 2, verdict: 'pass', champion: null, task: 'multiclass' });
    expect(doc.metrics.latency_p99_ms).toBeGreaterThan(0);
    const report = await readFile(join(root, 'eval', 'report.md'), 'utf8');
    expect(report.startsWith('## ✅ penguins-species passes the gate\n')).toBe(true);
  });

  it('fails the gate against a champion file with exit code 1, and still writes the report', async () => {
    const summary = await sandbox.tmp.write('summary.md', '');
    const { code, stdout, stderr, annotations } = await runCli(
      [
        'evaluate',
        '-c',
        'strict.yaml',
        '-m',
        'logistic/model.onnx',
        '--baseline',
        'gbdt',
        '--splits',
        'splits',
        '-o',
        'strict',
      ],
      { cwd: root, jobSummary: summary },
    );
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toMatch(/against champion gbdt\/model\.onnx\./);
    expect(stdout).toMatch(/Gate: fail: 1 of 2 rules fail\n/);
    expect(stdout).toMatch(
      / {2}✗ accuracy min_improvement: accuracy [\d.]+ → [\d.]+ \(higher is better\): improvement/,
    );
    expect(stdout).toMatch(/metric\s+champion\s+challenger\s+Δ\s+interval of Δ/);
    expect(annotations).toMatch(/::error title=gate%3A accuracy min_improvement::/);
    expect((await readdir(join(root, 'strict'))).sort()).toEqual(OUTPUTS);
    const report = await readFile(join(root, 'strict', 'report.md'), 'utf8');
    expect(await readFile(summary, 'utf8')).toContain(report.trim().split('\n')[0]);
    const doc = JSON.parse(await readFile(join(root, 'strict', 'evaluation.json'), 'utf8'));
    expect(doc.verdict).toBe('fail');
    expect(doc.champion).toMatchObject({ label: 'gbdt/model.onnx', registry: null });
    expect(doc.comparisons.map((c: { metric: string }) => c.metric)).toEqual(['accuracy', 'log_loss']);
  });

  it('takes the registry production model as the champion, loaded only if its sha256 matches', async () => {
    for (const argv of [
      ['register', '--model', 'gbdt'],
      ['promote', 'penguins-species@v1', '--to', 'staging'],
      ['promote', 'penguins-species@v1', '--to', 'production'],
    ]) {
      const { code, stderr } = await runCli(argv, { cwd: root });
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
    const { code, stdout } = await runCli(
      ['--json', 'evaluate', '-m', 'logistic', '--splits', 'splits', '-o', 'vs-production'],
      { cwd: root },
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ verdict: 'pass', champion: 'penguins-species@v1' });
    const doc = JSON.parse(await readFile(join(root, 'vs-production', 'evaluation.json'), 'utf8'));
    expect(doc.champion.registry).toEqual({
      ref: 'penguins-species#production',
      name: 'penguins-species',
      version: 'v1',
      stage: 'production',
    });
    expect(doc.champion.sha256).toMatch(/^[0-9a-f]{64}$/);
    const byRef = await runCli(
      ['--json', 'evaluate', '-m', 'logistic', '--baseline', '@v1', '--splits', 'splits', '-o', 'vs-v1'],
      {
        cwd: root,
      },
    );
    expect(JSON.parse(byRef.stdout).champion).toBe('penguins-species@v1');

    await appendFile(join(root, 'registry', 'penguins-species', 'versions', 'v1', 'model.onnx'), 'x');
    const tampered = await runCli(['evaluate', '-m', 'logistic', '--splits', 'splits', '-o', 'tampered'], {
      cwd: root,
    });
    expect(tampered.code).toBe(2);
    expect(tampered.stderr).toMatch(
      /^modelgate: error: .*model\.onnx: refusing to load penguins-species v1: sha256 [0-9a-f]{64} does not match/,
    );
    await expect(readdir(join(root, 'tampered'))).rejects.toThrow();
  });

  it('evaluates a bare ONNX file described by --classes like the model it was stripped from', async () => {
    const bytes = new Uint8Array(await readFile(join(root, 'logistic', 'model.onnx')));
    await writeFile(join(root, 'bare.onnx'), withoutMetadata(bytes));
    const run = (argv: string[], out: string) =>
      runCli(['evaluate', '--splits', 'splits', '--no-baseline', '--out', out, ...argv], { cwd: root });
    const original = await run(['--model', 'logistic'], 'eval-original');
    const bare = await run(['--model', 'bare.onnx', '--classes', 'Adelie,Chinstrap,Gentoo'], 'eval-bare');
    expect(bare.stderr).toBe('');
    expect([original.code, bare.code]).toEqual([0, 0]);
    const doc = async (out: string) => JSON.parse(await readFile(join(root, out, 'evaluation.json'), 'utf8'));
    const [a, b] = [await doc('eval-original'), await doc('eval-bare')];
    expect(b.challenger.spec).toBe('flags');
    expect(a.challenger.spec).toBe('onnx-metadata');
    expect(b.metrics.accuracy).toEqual(a.metrics.accuracy);
    expect(b.metrics.log_loss).toEqual(a.metrics.log_loss);
    const wrong = await run(['--model', 'bare.onnx', '--classes', 'Adelie,Gentoo'], 'eval-wrong');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      /^modelgate: error: .*bare\.onnx: a binary model \(the flags say\), but the config's task is multiclass\.\n$/,
    );
  });

  it('refuses bad input with exit code 2 and one line naming it', async () => {
    await writeFile(join(root, 'not-a-model.onnx'), 'hello');
    await writeFile(join(root, 'no-target.csv'), 'Island,Sex\nDream,MALE\n');
    const cases: [string[], RegExp][] = [
      [
        ['-m', 'not-a-model.onnx', '--splits', 'splits', '-o', 'x'],
        /not-a-model\.onnx: not a valid ONNX model/,
      ],
      [
        ['-m', 'logistic', '-d', 'no-target.csv', '-o', 'x'],
        /no-target\.csv: the holdout has no target column 'Species'/,
      ],
      [['-m', 'missing.onnx', '-o', 'x'], /--model missing\.onnx: no such file/],
      [['-m', 'logistic', '--baseline', 'nope.onnx', '-o', 'x'], /--baseline nope\.onnx: no such file\./],
      [['-m', 'logistic', '-f', 'csv', '-o', 'x'], /--format applies to --data/],
      [['-m', 'logistic'], /--out <dir>: required/],
    ];
    for (const [argv, message] of cases) {
      // The registry's champion was tampered with above: these runs leave it out.
      const noChampion = argv.includes('--baseline') ? [] : ['--no-baseline'];
      const { code, stderr } = await runCli(['evaluate', ...argv, ...noChampion], { cwd: root });
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr).toMatch(new RegExp(`^modelgate: error: ${message.source}.*\\n$`));
    }
    await expect(readdir(join(root, 'x'))).rejects.toThrow();
  });
});
