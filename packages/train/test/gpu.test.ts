import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDatabase, useTempDir } from '../../core/test/fixtures.js';
import { prepareProblem } from '../src/data/index.js';
import { cudaVersionOf, devicesOf, parseNvidiaSmiCsv } from '../src/run/gpu.js';
import { deviceForSlot, parseGpuSample, summariseSamples, visibleDevices } from '../src/run/gpu-usage.js';
import { renderTrialsMarkdown, runTraining, type TrainingRun, trialsFile } from '../src/run/index.js';
import { constantOnnx } from './train-fixture-trainers.js';
import { configFor, writeSplitDirectory } from './train-fixtures.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'nvidia-smi');
const fixture = (name: string) => readFile(join(FIXTURES, name), 'utf8');

describe('nvidia-smi output from real GPUs', () => {
  it('reads a CSV with a header: H100, one and eight', async () => {
    expect(devicesOf(parseNvidiaSmiCsv(await fixture('h100.csv')))).toEqual([
      { index: '0', name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, driver: undefined },
    ]);
    const eight = devicesOf(parseNvidiaSmiCsv(await fixture('h100x8.csv')));
    expect(eight.map((g) => g.index)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(new Set(eight.map((g) => `${g.name} ${g.memoryMiB}`))).toEqual(
      new Set(['NVIDIA H100 80GB HBM3 81559']),
    );
  });

  it('reads noheader rows by the fields asked for: A100 and T4', async () => {
    const a100 = parseNvidiaSmiCsv(await fixture('a100-noheader.csv'), [
      'index',
      'name',
      'memory.total',
      'driver_version',
    ]);
    expect(devicesOf(a100)).toEqual([
      { index: '0', name: 'NVIDIA A100-SXM4-40GB', memoryMiB: 40960, driver: '535.104.05' },
    ]);
    const t4 = parseNvidiaSmiCsv(await fixture('t4-noheader.csv'), [
      'name',
      'memory.total',
      'driver_version',
    ]);
    expect(devicesOf(t4)).toEqual([{ index: '0', name: 'Tesla T4', memoryMiB: 15360, driver: '580.159.04' }]);
  });

  it('a name with a comma stays whole', () => {
    expect(parseNvidiaSmiCsv('3, Board, rev 2, 1024 MiB\n', ['index', 'name', 'memory.total'])).toEqual([
      { index: '3', name: 'Board, rev 2', 'memory.total': '1024 MiB' },
    ]);
  });

  it("takes the CUDA version from a plain nvidia-smi's banner", async () => {
    expect(cudaVersionOf(await fixture('a100-banner.txt'))).toBe('11.4');
    expect(cudaVersionOf('No devices were found')).toBeUndefined();
  });

  it('polls usage on several GPUs: memory of all the visible ones, the busiest one’s utilisation', async () => {
    const mixed = (await fixture('rtx3090-a6000-usage.csv')).split('\n').slice(1).join('\n');
    const rows = mixed
      .trim()
      .split('\n')
      .map((l) => l.split(', ').slice(0, 4).join(', '))
      .join('\n');
    expect(parseGpuSample(rows)).toEqual({
      names: ['NVIDIA GeForce RTX 3090', 'NVIDIA RTX A6000'],
      memoryMiB: 38743,
      utilization: 100,
    });
    const two = parseNvidiaSmiCsv(await fixture('two-gpu-usage.csv'));
    expect(two).toEqual([
      { index: '0', 'memory.used': '24117 MiB', 'utilization.gpu': '88 %' },
      { index: '1', 'memory.used': '4 MiB', 'utilization.gpu': '0 %' },
    ]);
    expect(
      summariseSamples([
        { names: ['A'], memoryMiB: 100, utilization: 10 },
        { names: ['A'], memoryMiB: 300, utilization: 90 },
        { names: ['A'], memoryMiB: 200, utilization: 50 },
      ]),
    ).toEqual({ name: 'A', peakMemoryMiB: 300, peakUtilization: 90, meanUtilization: 50, samples: 3 });
    expect(summariseSamples([])).toBeUndefined();
  });
});

describe('GPUs for parallel trials', () => {
  it('round robin over the visible devices; fewer than two: the trial inherits', () => {
    const four = visibleDevices(undefined, ['0', '1', '2', '3']);
    expect([0, 1, 2, 3, 4, 5].map((slot) => deviceForSlot(slot, four))).toEqual([
      '0',
      '1',
      '2',
      '3',
      '0',
      '1',
    ]);
    const given = visibleDevices('2, 5,GPU-8f1c', ['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(given).toEqual(['2', '5', 'GPU-8f1c']);
    expect([0, 1, 2, 3].map((slot) => deviceForSlot(slot, given))).toEqual(['2', '5', 'GPU-8f1c', '2']);
    expect(deviceForSlot(1, visibleDevices('3', ['0', '1']))).toBeUndefined();
    expect(deviceForSlot(0, visibleDevices('-1', ['0']))).toBeUndefined();
    expect(deviceForSlot(0, [])).toBeUndefined();
  });
});

const db = useDatabase();
const temp = useTempDir('train-gpu');
const TRAINER = `
import { copyFileSync, writeFileSync } from 'node:fs';
const out = process.env.MODELGATE_OUTPUT_DIR;
writeFileSync(out + '/device.txt', String(process.env.CUDA_VISIBLE_DEVICES));
copyFileSync(process.env.TEST_MODELS + '/good.onnx', out + '/model.onnx');
`;

describe('train --parallel on a runner with two visible GPUs', () => {
  let run: TrainingRun;
  const saved = { ...process.env };
  beforeAll(async () => {
    const splits = await writeSplitDirectory(db(), temp.path('splits'), {
      schema: 'x DOUBLE, y VARCHAR',
      rows: {
        train: `(1, 'p'), (2, 'q'), (3, 'p'), (4, 'q')`,
        validation: `(5, 'p'), (6, 'q')`,
        test: `(7, 'p')`,
      },
    });
    const config = configFor(
      'binary',
      'train:\n  search: {strategy: grid}\n  candidates:\n    - command: node trainer.mjs\n      params: {n: {choice: [1, 2, 3, 4]}}\n',
    );
    const { spec } = await prepareProblem(db(), config, { splits });
    await writeFile(temp.path('good.onnx'), constantOnnx(spec, Float32Array.of(0.6, 0.4), 'logistic'));
    await temp.write('trainer.mjs', TRAINER);
    process.env.TEST_MODELS = temp.dir;
    // The runner was given GPUs 0 and 1 (no nvidia-smi here: the list comes from the variable).
    process.env.CUDA_VISIBLE_DEVICES = '0,1';
    run = await runTraining(db(), {
      config,
      configFile: temp.path('modelgate.yaml'),
      source: { splits },
      workDir: temp.path('work'),
      parallel: 2,
    });
  }, 60_000);
  afterAll(() => {
    process.env = saved;
  });

  it('hands each concurrent trial its own GPU and records it; trials.md shows it', async () => {
    const devices = run.result.trials.map((t) => t.rungs[0]?.info?.cuda_visible_devices);
    expect(new Set(devices)).toEqual(new Set(['0', '1']));
    for (const t of run.result.trials) {
      expect(t.rungs[0]?.info).toMatchObject({ exit_reason: 'exit code 0' });
    }
    const markdown = renderTrialsMarkdown(trialsFile(run));
    expect(markdown).toContain('GPU use of command trials');
    expect(markdown).toMatch(/\| CUDA_VISIBLE_DEVICES \|/);
    expect(markdown).toMatch(/\| [1-4] \| [01] \| - \| - \| - \|/);
  });
});
