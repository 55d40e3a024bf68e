/**
 * bench:registry — a registry of 100 models grown from 1,000 to 10,000
 * versions; times ls, show, register and promote at both sizes, next to
 * `git status` on the same repository (the floor of anything git-backed).
 * Goal: each under 1 s, and a 10x larger registry costs about the same.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  listModels,
  listVersions,
  promote,
  REGISTRY_FILES,
  registerVersion,
  renderStages,
  showVersion,
  stringifyMetadata,
} from '@modelgate/registry';
import { modelBytes, modelName, SIGNATURE, versionMetadata, withCard } from './registry-versions.js';

const MODELS = 100;
const SIZES = [1_000, 10_000];
const REPEATS = 5;
const STAGES = ['staging', 'production'];

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** Writes versions `from..to` of every model straight to disk and commits them at once. */
async function grow(repo: string, registryDir: string, from: number, to: number): Promise<void> {
  for (let m = 0; m < MODELS; m++) {
    const name = modelName(m);
    for (let v = from; v <= to; v++) {
      const dir = join(registryDir, name, REGISTRY_FILES.versions, `v${v}`);
      await mkdir(dir, { recursive: true });
      const bytes = modelBytes(name, v);
      const meta = versionMetadata(name, v, bytes, {
        metrics: { accuracy: 0.8 + (v % 10) / 100, log_loss: 0.4 - (v % 10) / 100 },
      });
      const card = withCard(meta);
      await writeFile(join(dir, REGISTRY_FILES.model), bytes);
      await writeFile(join(dir, REGISTRY_FILES.card), card);
      await writeFile(join(dir, REGISTRY_FILES.metadata), stringifyMetadata(meta));
    }
    await writeFile(
      join(registryDir, name, REGISTRY_FILES.stages),
      renderStages({ staging: `v${to}`, production: `v${to - 1}` }, STAGES),
    );
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', `bench: ${MODELS} models, versions up to v${to}`);
}

async function median(work: (run: number) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < REPEATS; run++) {
    const start = performance.now();
    await work(run);
    times.push((performance.now() - start) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)] ?? Number.NaN;
}

/**
 * Builds in a child process: a process that has held 10,000 metadata objects
 * forks (and so spawns git) slower, which would be the harness's cost, not the registry's.
 */
function growInChild(repo: string, registryDir: string, from: number, to: number): void {
  execFileSync(
    process.execPath,
    [...process.execArgv, process.argv[1] ?? '', 'grow', repo, registryDir, String(from), String(to)],
    {
      stdio: 'inherit',
    },
  );
}

async function measure(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'modelgate-bench-registry-'));
  try {
    await run(root);
  } finally {
    if (process.env.BENCH_KEEP) process.stderr.write(`kept ${root}\n`);
    else await rm(root, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function run(root: string): Promise<void> {
  const repo = join(root, 'repo');
  const registryDir = join(repo, 'registry');
  await mkdir(registryDir, { recursive: true });
  git(repo, 'init', '-q', '--initial-branch=main');
  git(repo, 'config', 'user.name', 'bench');
  git(repo, 'config', 'user.email', 'bench@example.com');
  // No background gc or maintenance racing the timings (or the clean-up).
  git(repo, 'config', 'gc.auto', '0');
  git(repo, 'config', 'maintenance.auto', 'false');
  await writeFile(join(registryDir, REGISTRY_FILES.settings), 'stages: [staging, production]\n');
  const sources = join(root, 'sources');
  const results: Record<string, number[]> = {};
  const record = (op: string, seconds: number) => {
    results[op] = [...(results[op] ?? []), seconds];
  };
  let built = 0;
  let registered = 0;
  for (const size of SIZES) {
    const perModel = size / MODELS;
    const start = performance.now();
    growInChild(repo, registryDir, built + 1, perModel);
    built = perModel;
    process.stderr.write(`built ${size} versions in ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
    const target = modelName(50);
    record('git status (reference)', await median(async () => git(repo, 'status', '--porcelain')));
    record('ls', await median(() => listModels(registryDir)));
    record(`ls ${target}`, await median(() => listVersions(registryDir, target)));
    record('show', await median(() => showVersion(registryDir, `${target}#production`)));
    record(
      'register',
      await median(async () => {
        const dir = join(sources, `r${++registered}`);
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'model.onnx'), createHash('sha512').update(`new ${registered}`).digest());
        await writeFile(join(dir, 'signature.json'), JSON.stringify(SIGNATURE));
        await registerVersion({ registryDir, name: target, model: dir });
      }),
    );
    record(
      'promote',
      await median((run) => promote({ registryDir, name: target, stage: 'staging', version: `v${run + 2}` })),
    );
  }
  const [small, large] = SIZES;
  const width = Math.max(...Object.keys(results).map((k) => k.length));
  console.log(
    `\n${'operation'.padEnd(width)}  ${String(small).padStart(8)}  ${String(large).padStart(8)}  growth  goal (< 1 s)`,
  );
  for (const [op, [a = Number.NaN, b = Number.NaN]] of Object.entries(results)) {
    const goal = op.includes('reference') ? '' : b < 1 ? 'ok' : 'MISSED';
    console.log(
      `${op.padEnd(width)}  ${`${a.toFixed(3)} s`.padStart(8)}  ${`${b.toFixed(3)} s`.padStart(8)}  ${`${(b / a).toFixed(2)}x`.padStart(6)}  ${goal}`,
    );
  }
  console.log(
    `\nVersions per model grow 10x (10 -> 100); models stay at ${MODELS}. ls <model> lists every version of one model, so it grows with them.`,
  );
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'grow') {
  const [repo = '', registryDir = '', from = '', to = ''] = args;
  await grow(repo, registryDir, Number(from), Number(to));
} else {
  await measure();
}
