import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { probeProvider } from '@modelgate/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDir } from '../../core/test/fixtures.js';
import { toolkitCacheCheck } from '../src/commands/doctor-cache.js';
import type { Check } from '../src/commands/doctor-checks.js';
import { PENGUINS_CONFIG } from './project-fixture.js';
import { runCli } from './run-cli.js';

const temp = useTempDir('cli-doctor');
const cuda = await probeProvider('cuda');

const commandConfig = (command: string) =>
  `${PENGUINS_CONFIG}train:\n  candidates:\n    - command: ${command}\n`;

async function doctor(args: string[] = [], summary?: string) {
  const run = await runCli(['--json', 'doctor', ...args], {
    cwd: temp.dir,
    ...(summary ? { jobSummary: summary } : {}),
  });
  const data = JSON.parse(run.stdout) as { ok: boolean; checks: Check[] };
  const check = (name: string) => data.checks.find((c) => c.name === name);
  return { run, data, check };
}

afterEach(() => {
  delete process.env.MODELGATE_DEVICE;
});

describe('modelgate doctor', () => {
  it('reports the real machine: tools, disk, cores, and the providers a session really runs on', async () => {
    const { run, data, check } = await doctor();
    expect(run.code).toBe(0);
    expect(data.ok).toBe(true);
    expect(check('node')).toMatchObject({ status: 'ok', detail: process.version });
    expect(check('git')?.detail).toMatch(/^git version \d/);
    expect(check('disk (workspace)')?.detail).toMatch(/^\d+\.\d GiB free in /);
    expect(check('cpu and memory')?.detail).toMatch(/^\d+ cores, [\d.]+ GiB memory/);
    expect(check('onnxruntime cpu')).toMatchObject({ status: 'ok' });
    const cudaCheck = check('onnxruntime cuda');
    expect(cudaCheck?.detail).toBe(
      cuda.ok ? expect.stringMatching(/^a session runs/) : `cannot create a session: ${cuda.reason}`,
    );
    if (!cuda.ok) expect(cudaCheck?.fix).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12');
    expect(check('nvidia gpus')).toBeDefined();
    expect(check('device')).toMatchObject({ status: 'ok', detail: 'cpu: models run on cpu' });
    expect(check('toolkit cache')?.status).toBe('info');
  });

  it("reports the toolkit cache: the setup script's install and build stamps, or a cold start", async () => {
    const cold = await toolkitCacheCheck(temp.path('no-toolkit'));
    expect(cold.detail).toMatch(
      /^install not stamped; build not stamped; the next action installs and builds/,
    );
    await mkdir(temp.path('warm', 'node_modules'), { recursive: true });
    await mkdir(temp.path('warm', 'packages', 'cli', 'dist'), { recursive: true });
    await writeFile(temp.path('warm', 'node_modules', '.modelgate-deps'), 'node20.19.0-0123456789abcdef\n');
    await writeFile(temp.path('warm', 'packages', 'cli', 'dist', '.modelgate-build'), 'fedcba9876543210\n');
    const warm = await toolkitCacheCheck(temp.path('warm'));
    expect(warm.detail).toMatch(
      /^install node20\.19\.0-0123456789abcdef; build fedcba9876543210; actions start warm here/,
    );
  });

  it("exit 1 when a training command's program cannot start, naming it and the fix", async () => {
    await writeFile(
      temp.path('missing.yaml'),
      commandConfig('MODE=fast modelgate-no-such-trainer --epochs 3'),
    );
    const { run, data, check } = await doctor(['--config', 'missing.yaml']);
    expect(run.code).toBe(1);
    expect(data.ok).toBe(false);
    expect(check('train.candidates[0].command')).toEqual({
      name: 'train.candidates[0].command',
      status: 'fail',
      detail: "'modelgate-no-such-trainer' cannot start: not found on PATH",
      fix: 'install modelgate-no-such-trainer on the runner (or put it on PATH), or fix the command in missing.yaml',
    });

    await writeFile(temp.path('found.yaml'), commandConfig('node train.js'));
    const found = await doctor(['--config', 'found.yaml']);
    expect(found.run.code).toBe(0);
    expect(found.check('train.candidates[0].command')?.detail).toMatch(/^node -> \/.*node$/);
  });

  it.skipIf(cuda.ok)(
    'exit 1 when the runner asks for cuda and no CUDA session runs; a table and a job summary',
    async () => {
      process.env.MODELGATE_DEVICE = 'cuda';
      const summary = temp.path('summary.md');
      await writeFile(summary, '');
      const { run, check } = await doctor([], summary);
      expect(run.code).toBe(1);
      expect(check('device')).toMatchObject({ status: 'fail', fix: expect.stringContaining('cuda12') });
      const page = await readFile(summary, 'utf8');
      expect(page).toContain('### modelgate doctor');
      expect(page).toContain('| device | fail |');
      expect(run.annotations).toContain('::error title=modelgate doctor%3A device::');

      const text = await runCli(['doctor'], { cwd: temp.dir });
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/^check +status +found +fix\n/);
      expect(text.stdout).toMatch(/\ndoctor: 1 problem: device\n$/);
    },
  );
});
