import { execFile } from 'node:child_process';
import { access, constants, statfs } from 'node:fs/promises';
import { availableParallelism, freemem, tmpdir, totalmem } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { errorMessage, type ModelgateConfig } from '@modelgate/core';
import {
  CUDA_INSTALL_HINT,
  chooseDevice,
  onnxruntimeVersion,
  type ProviderProbe,
  probeAllProviders,
} from '@modelgate/runtime';
import { type GpuQuery, queryGpus } from '@modelgate/train';
import { toolkitCacheCheck } from './doctor-cache.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'info';

/** One line of the doctor's table: what was checked, what was found, and the fix when it is not ok. */
export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** Below this much free space a training job's splits, trials and models may not fit. */
const LOW_DISK_BYTES = 5 * 1024 ** 3;
const NODE_MINIMUM = [20, 19] as const;

function run(file: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((done) => {
    execFile(file, args, { timeout: 15_000 }, (err, stdout) => done(err ? undefined : String(stdout).trim()));
  });
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

function nodeCheck(): Check {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const [needMajor, needMinor] = NODE_MINIMUM;
  const ok = major > needMajor || (major === needMajor && minor >= needMinor);
  return {
    name: 'node',
    status: ok ? 'ok' : 'fail',
    detail: process.version,
    ...(ok ? {} : { fix: `install Node.js ${needMajor}.${needMinor} or newer (e.g. actions/setup-node)` }),
  };
}

async function toolCheck(
  name: string,
  file: string,
  args: string[],
  fix: string,
  need: boolean,
): Promise<Check> {
  const out = await run(file, args);
  if (out !== undefined) return { name, status: 'ok', detail: out.split('\n')[0] ?? out };
  return { name, status: need ? 'fail' : 'warn', detail: 'not found', fix };
}

async function diskCheck(name: string, dir: string): Promise<Check> {
  try {
    const fs = await statfs(dir);
    const free = fs.bavail * fs.bsize;
    const low = free < LOW_DISK_BYTES;
    return {
      name,
      status: low ? 'warn' : 'ok',
      detail: `${gib(free)} free in ${dir}`,
      ...(low ? { fix: 'free space (old _work and tool caches) or give the runner a larger disk' } : {}),
    };
  } catch (err) {
    return { name, status: 'warn', detail: `${dir}: ${errorMessage(err)}` };
  }
}

function machineCheck(): Check {
  return {
    name: 'cpu and memory',
    status: 'info',
    detail: `${availableParallelism()} cores, ${gib(totalmem())} memory (${gib(freemem())} free)`,
  };
}

function providerChecks(probes: readonly ProviderProbe[], version: string): Check[] {
  return probes.map((p) => ({
    name: `onnxruntime ${p.name}`,
    status: p.ok ? 'ok' : p.name === 'cpu' ? 'fail' : 'info',
    detail: p.ok
      ? `a session runs (onnxruntime-node ${version}${p.bundled ? '' : ', installed provider'})`
      : `cannot create a session: ${p.reason}`,
    ...(p.ok ? {} : { fix: p.name === 'cpu' ? 'reinstall onnxruntime-node (npm ci)' : installHint(p.name) }),
  }));
}

function installHint(provider: string): string {
  if (provider === 'cuda') return CUDA_INSTALL_HINT;
  if (provider === 'tensorrt')
    return 'TensorRT needs the CUDA build of onnxruntime-node and TensorRT libraries';
  return 'not needed by modelgate';
}

function gpuCheck(query: GpuQuery): Check {
  if (query.state === 'absent')
    return { name: 'nvidia gpus', status: 'info', detail: 'no nvidia-smi (a CPU machine)' };
  if (query.state === 'failed') {
    return {
      name: 'nvidia gpus',
      status: 'warn',
      detail: `nvidia-smi failed: ${query.reason}`,
      fix: 'install or repair the NVIDIA driver (nvidia-smi must list the GPUs)',
    };
  }
  const gpus = query.gpus
    .map((g) => `${g.index}: ${g.name}${g.memoryMiB !== undefined ? ` (${g.memoryMiB} MiB)` : ''}`)
    .join(', ');
  const driver = query.gpus[0]?.driver;
  return {
    name: 'nvidia gpus',
    status: query.gpus.length > 0 ? 'ok' : 'warn',
    detail: `${gpus || 'none listed'}${driver ? `; driver ${driver}` : ''}${query.cudaVersion ? `, CUDA ${query.cudaVersion}` : ''}`,
  };
}

async function pythonCheck(): Promise<Check> {
  const script = 'import sys; print(sys.version.split()[0], sys.executable)';
  for (const file of ['python3', 'python']) {
    const out = await run(file, ['-c', script]);
    if (out !== undefined) return { name: 'python', status: 'info', detail: out };
  }
  return { name: 'python', status: 'info', detail: 'none on PATH' };
}

/** The program a shell command starts: its first word after VAR=value assignments. */
export function programOf(command: string): string | undefined {
  const words = command.trim().split(/\s+/);
  return words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w))?.replace(/^['"]|['"]$/g, '');
}

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function findProgram(program: string, cwd: string): Promise<string | undefined> {
  if (program.includes('/')) {
    const path = isAbsolute(program) ? program : resolve(cwd, program);
    return (await executable(path)) ? path : undefined;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (await executable(join(dir, program))) return join(dir, program);
  }
  return undefined;
}

/** Each command candidate's program must start where training runs it: the config's directory. */
async function commandChecks(config: ModelgateConfig, configFile: string): Promise<Check[]> {
  const cwd = resolve(dirname(configFile));
  const checks: Check[] = [];
  for (const [i, candidate] of (config.train.candidates ?? []).entries()) {
    if (candidate.command === undefined) continue;
    const name = `train.candidates[${i}].command`;
    const program = programOf(candidate.command);
    const found = program ? await findProgram(program, cwd) : undefined;
    checks.push(
      found
        ? { name, status: 'ok', detail: `${program} -> ${found}` }
        : {
            name,
            status: 'fail',
            detail: `'${program ?? candidate.command}' cannot start: not found ${program?.includes('/') ? `in ${cwd}` : 'on PATH'}`,
            fix: `install ${program} on the runner (or put it on PATH), or fix the command in ${configFile}`,
          },
    );
  }
  return checks;
}

function deviceCheck(config: ModelgateConfig | undefined, cuda: ProviderProbe | undefined): Check {
  const device = chooseDevice({ env: process.env.MODELGATE_DEVICE, config: config?.runtime?.device });
  if (device !== 'cuda') {
    const used = device === 'cpu' || !cuda?.ok ? 'cpu' : 'cuda';
    return { name: 'device', status: 'ok', detail: `${device}: models run on ${used}` };
  }
  if (cuda?.ok) return { name: 'device', status: 'ok', detail: 'cuda: models run on CUDA' };
  return {
    name: 'device',
    status: 'fail',
    detail: `cuda is configured (MODELGATE_DEVICE or runtime.device) but no CUDA session runs: ${cuda?.reason ?? 'not offered'}`,
    fix: CUDA_INSTALL_HINT,
  };
}

export interface DoctorInput {
  /** The loaded config, when there is one: its command candidates and runtime.device are checked. */
  config?: { config: ModelgateConfig; file: string };
  workspace: string;
}

/** Every check, in table order. Nothing here throws: a check that cannot run says so in its line. */
export async function runChecks(input: DoctorInput): Promise<Check[]> {
  const [probes, gpus, python, npm, git, lfs, workspace, temp, cache] = await Promise.all([
    probeAllProviders(),
    queryGpus(),
    pythonCheck(),
    toolCheck('npm', 'npm', ['--version'], 'install npm with Node.js', false),
    toolCheck('git', 'git', ['--version'], 'install git (apt-get install git)', true),
    toolCheck(
      'git-lfs',
      'git',
      ['lfs', 'version'],
      'install git-lfs (apt-get install git-lfs; git lfs install)',
      false,
    ),
    diskCheck('disk (workspace)', input.workspace),
    diskCheck('disk (temp)', tmpdir()),
    toolkitCacheCheck(),
  ]);
  return [
    nodeCheck(),
    npm,
    git,
    lfs,
    workspace,
    temp,
    machineCheck(),
    ...providerChecks(probes, onnxruntimeVersion()),
    gpuCheck(gpus),
    deviceCheck(
      input.config?.config,
      probes.find((p) => p.name === 'cuda'),
    ),
    python,
    cache,
    ...(input.config ? await commandChecks(input.config.config, input.config.file) : []),
  ];
}
