/**
 * bench:image — the serving image of the repository's penguins-species model:
 * its size beside the model's and the toolkit's node_modules', the time from
 * `docker run` to ready (GET /v2/health/ready answers 200) and the first
 * OIP infer request's latency, each the median of MODELGATE_BENCH_RUNS (5)
 * starts. The reference, measured in the same run: the same compiled server
 * (`node packages/cli/dist/bin.js serve`) started directly on this machine.
 * Needs dockerd; builds the offline Debian base once per machine
 * (packages/serve/test/docker-fixture.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PENGUINS_DATA } from '../packages/evaluate/test/penguin-models.js';
import { deployImage } from '../packages/serve/src/deploy/index.js';
import { stageToolkit, toolkitDir } from '../packages/serve/src/deploy/toolkit-bundle.js';
import { freePort } from '../packages/serve/test/cli-server.js';
import { docker, ensureBaseImage, ensureDocker } from '../packages/serve/test/docker-fixture.js';
import { inferBody, type PenguinRow } from '../packages/serve/test/server-fixture.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const REGISTRY = join(root, 'registry');
const MODEL = 'penguins-species';
const RUNS = Number(process.env.MODELGATE_BENCH_RUNS ?? 5);

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function duBytes(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await duBytes(join(path, entry));
  return total;
}

async function untilReady(url: string, deadlineMs = 120_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/v2/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${url} not ready in ${deadlineMs} ms`);
}

/** Start-to-ready and first-request milliseconds for one start of a server. */
async function measure(
  start: (port: number) => Promise<() => Promise<void>>,
  body: unknown,
): Promise<{ ready: number; first: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const stop = await start(port);
  try {
    await untilReady(url);
    const ready = performance.now() - t0;
    const t1 = performance.now();
    const response = await fetch(`${url}/v2/models/${MODEL}/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`infer: ${response.status} ${await response.text()}`);
    await response.json();
    return { ready, first: performance.now() - t1 };
  } finally {
    await stop();
  }
}

/** The installed toolkit whose dist/ the image carries: the host reference runs the same code. */
let toolkit = '';

function hostServer(port: number): Promise<() => Promise<void>> {
  const bin = join(toolkit, 'dist', 'bin.js');
  const child: ChildProcess = spawn(
    process.execPath,
    [bin, 'serve', '--registry', REGISTRY, '--model', `${MODEL}#staging`, '--port', String(port)],
    { stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } },
  );
  return Promise.resolve(
    () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  );
}

async function main(): Promise<void> {
  const available = await ensureDocker();
  if (!available.ok) {
    console.error(`bench:image needs dockerd: ${available.reason}`);
    process.exit(2);
  }
  toolkit = await toolkitDir();
  const base = await ensureBaseImage();
  const t0 = performance.now();
  const built = await deployImage({
    registry: REGISTRY,
    model: `${MODEL}#staging`,
    out: join(tmpdir(), 'unused'),
    baseImage: base,
  });
  const buildSeconds = (performance.now() - t0) / 1000;
  const tag = built.image.tag;

  const staged = await mkdtemp(join(tmpdir(), 'modelgate-bench-image-'));
  const nodeModules = await stageToolkit(staged).then(() => duBytes(join(staged, 'node_modules')));
  await rm(staged, { recursive: true, force: true });
  const imageBytes = Number(await docker(['image', 'inspect', '--format', '{{.Size}}', tag]));
  const baseBytes = Number(await docker(['image', 'inspect', '--format', '{{.Size}}', base]));
  const metadata = JSON.parse(
    await readFile(join(REGISTRY, MODEL, 'versions', built.version, 'metadata.json'), 'utf8'),
  );
  const rows = (JSON.parse(await readFile(PENGUINS_DATA, 'utf8')) as PenguinRow[]).slice(0, 16);
  const body = inferBody(rows);

  const container = (port: number) =>
    docker(['run', '-d', '--network', 'host', tag, '--port', String(port)]).then((id) => async () => {
      await docker(['rm', '--force', id]);
    });
  const results = {
    container: [] as { ready: number; first: number }[],
    host: [] as { ready: number; first: number }[],
  };
  // Interleaved, so load from others on this machine falls on both alike.
  for (let i = 0; i < RUNS; i++) {
    results.container.push(await measure(container, body));
    results.host.push(await measure(hostServer, body));
  }
  const ready = {
    container: median(results.container.map((r) => r.ready)),
    host: median(results.host.map((r) => r.ready)),
  };
  const first = {
    container: median(results.container.map((r) => r.first)),
    host: median(results.host.map((r) => r.first)),
  };
  await docker(['rmi', tag]).catch(() => undefined);

  console.log(
    `bench:image — ${MODEL}@${built.version}, ${RUNS} starts each, medians; ${availableParallelism()} cores, load ${loadavg()[0]?.toFixed(1)}`,
  );
  console.log(`build (staging + ${built.builder} build, base cached): ${buildSeconds.toFixed(1)} s`);
  console.log(
    `image ${tag}: ${mb(imageBytes)} (base ${base}: ${mb(baseBytes)}, so ${mb(imageBytes - baseBytes)} added)`,
  );
  console.log(`  model.onnx ${mb(metadata.model.bytes)}, toolkit node_modules ${mb(nodeModules)}`);
  console.log('                          container   host (reference)   container ÷ host');
  console.log(
    `run to ready             ${ready.container.toFixed(0).padStart(7)} ms  ${ready.host.toFixed(0).padStart(10)} ms  ${(ready.container / ready.host).toFixed(2).padStart(12)}`,
  );
  console.log(
    `first infer (16 rows)    ${first.container.toFixed(1).padStart(7)} ms  ${first.host.toFixed(1).padStart(10)} ms  ${(first.container / first.host).toFixed(2).padStart(12)}`,
  );
}

await main();
