import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { probeProvider } from '@modelgate/runtime';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dataset } from '../../core/test/datasets.js';
import { useTempDir } from '../../core/test/fixtures.js';
import { PENGUINS_CONFIG, writeProject } from './project-fixture.js';
import { runCli } from './run-cli.js';

const PENGUINS = dataset('penguins.json');
const REPO_REGISTRY = join(import.meta.dirname, '..', '..', '..', 'registry');
const temp = useTempDir('cli-device');
/** On a machine whose onnxruntime-node runs CUDA, auto takes it and cuda succeeds: those tests are for CPU machines. */
const cuda = await probeProvider('cuda');

const SETTINGS = `evaluate:
  bootstrap: {resamples: 50}
  latency: {runs: 2, warmup: 1}
  throughput: {batch_rows: 50, runs: 1}
train:
  candidates:
    - algorithm: logistic
`;

afterEach(() => {
  delete process.env.MODELGATE_DEVICE;
});

describe('--device on predict', () => {
  let registry: string;
  beforeAll(async () => {
    registry = temp.path('registry');
    await cp(REPO_REGISTRY, registry, { recursive: true });
  });
  const predict = (output: string, ...extra: string[]) =>
    runCli(
      [
        '--json',
        'predict',
        '-m',
        'penguins-species@v1',
        '--registry',
        registry,
        '-i',
        PENGUINS,
        '-o',
        output,
      ].concat(['--workers', '0', ...extra]),
    );

  it('cpu, auto, MODELGATE_DEVICE and no flag write the same predictions, and record the provider', async () => {
    const plain = await predict(temp.path('plain.csv'));
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout).provider).toBe('cpu');
    const reference = await readFile(temp.path('plain.csv'), 'utf8');
    const cpu = await predict(temp.path('cpu.csv'), '--device', 'cpu');
    expect(JSON.parse(cpu.stdout).provider).toBe('cpu');
    process.env.MODELGATE_DEVICE = 'cpu';
    expect((await predict(temp.path('env.csv'))).code).toBe(0);
    for (const file of ['cpu.csv', 'env.csv'])
      expect(await readFile(temp.path(file), 'utf8')).toBe(reference);
    if (!cuda.ok) {
      const auto = await predict(temp.path('auto.csv'), '--device', 'auto', '--workers', '2');
      expect(auto.code).toBe(0);
      expect(JSON.parse(auto.stdout).provider).toBe('cpu');
      expect(await readFile(temp.path('auto.csv'), 'utf8')).toBe(reference);
    }
  });

  it.skipIf(cuda.ok)(
    'cuda without a CUDA onnxruntime is exit 2 with the reason and the fix, nothing written',
    async () => {
      const run = await predict(temp.path('cuda.csv'), '--device', 'cuda');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('device cuda: onnxruntime-node cannot create a CUDA session (');
      expect(run.stderr).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      await expect(readFile(temp.path('cuda.csv'))).rejects.toThrow();
    },
  );

  it.skipIf(cuda.ok)('serve refuses cuda the same way, before serving anything', async () => {
    const serve = await runCli([
      'serve',
      '-m',
      'penguins-species#staging',
      '--registry',
      registry,
      '--device',
      'cuda',
    ]);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain('device cuda: onnxruntime-node cannot create a CUDA session');
  });

  it('an unknown device is exit 2 naming where it came from', async () => {
    const flag = await predict(temp.path('bad.csv'), '--device', 'gpu');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--device: expected auto, cpu or cuda, got 'gpu'");
    process.env.MODELGATE_DEVICE = 'tpu';
    const env = await predict(temp.path('bad.csv'));
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("MODELGATE_DEVICE: expected auto, cpu or cuda, got 'tpu'");
  });
});

describe('--device on evaluate', () => {
  let root: string;
  beforeAll(async () => {
    root = await writeProject(temp.path('project'), PENGUINS_CONFIG + SETTINGS);
    for (const argv of [
      ['split', '--out', 'splits'],
      ['train', '--splits', 'splits', '--out', 'model'],
    ]) {
      const { code, stderr } = await runCli(argv, { cwd: root });
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
  });
  const evaluate = (out: string, ...extra: string[]) =>
    runCli(['evaluate', '--model', 'model', '--splits', 'splits', '--out', out, ...extra], { cwd: root });
  /** Everything but the timings, which differ run to run. */
  const comparable = async (out: string) => {
    const doc = JSON.parse(await readFile(join(root, out, 'evaluation.json'), 'utf8'));
    const { latency_p50_ms, latency_p99_ms, throughput_rows_per_s, ...metrics } = doc.metrics;
    return { provider: doc.provider, metrics, slices: doc.slices, verdict: doc.verdict };
  };

  it('records the provider in evaluation.json; cpu and auto score exactly as before', async () => {
    expect((await evaluate('plain')).code).toBe(0);
    const plain = await comparable('plain');
    expect(plain.provider).toBe('cpu');
    expect((await evaluate('cpu', '--device', 'cpu')).code).toBe(0);
    expect(await comparable('cpu')).toEqual(plain);
    if (!cuda.ok) {
      const auto = await evaluate('auto', '--device', 'auto');
      expect(auto.code).toBe(0);
      expect(await comparable('auto')).toEqual(plain);
    }
  });

  it.skipIf(cuda.ok)('runtime.device: cuda in modelgate.yaml fails with exit 2 before any work', async () => {
    await writeFile(join(root, 'cuda.yaml'), `${PENGUINS_CONFIG + SETTINGS}runtime: {device: cuda}\n`);
    const run = await evaluate('cuda-out', '--config', 'cuda.yaml');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('device cuda: onnxruntime-node cannot create a CUDA session');
    await expect(readFile(join(root, 'cuda-out', 'evaluation.json'))).rejects.toThrow();
  });

  it('an unknown runtime.device is a config error naming the key', async () => {
    await writeFile(join(root, 'bad.yaml'), `${PENGUINS_CONFIG + SETTINGS}runtime: {device: gpu}\n`);
    const run = await evaluate('bad-out', '--config', 'bad.yaml');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('runtime.device');
  });
});
