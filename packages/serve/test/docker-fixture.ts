/**
 * Real container tooling for the image tests and bench:image: dockerd (started
 * here when it is not running and this process may start it, stopped again at
 * exit), a docker-registry on 127.0.0.1, and a Node base image built offline
 * from Debian packages (debootstrap) with this machine's node binary, cached
 * by tag so only the first run of a machine pays for debootstrap.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './cli-server.js';

const run = promisify(execFile);
const BIG = { maxBuffer: 64 << 20 };

/** The offline base: Debian bookworm minbase plus this machine's node, tagged by its version. */
export const BASE_IMAGE = `modelgate-test/node-base:bookworm-node${process.versions.node}`;
/** A base with no node, for the bad-input test. */
export const NO_NODE_IMAGE = 'modelgate-test/no-node:1';

export async function docker(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const { stdout } = await run('docker', args, { ...BIG, ...options });
  return stdout.trim();
}

async function daemonUp(): Promise<boolean> {
  return docker(['version', '--format', '{{.Server.Version}}']).then(
    () => true,
    () => false,
  );
}

let startedDaemon: ChildProcess | undefined;

/** Marks that a test started dockerd, for the run's teardown (docker-teardown.ts); holds its pid. */
export const STARTED_DOCKERD_FILE = join(tmpdir(), 'modelgate-tests-started-dockerd.pid');

function stopDaemonLater(daemon: ChildProcess): void {
  // Under vitest the run's teardown stops it: a test file's process ending must not stop a daemon
  // another file is still using. Run alone (bench:image), the process's exit does.
  if (process.env.VITEST) writeFileSync(STARTED_DOCKERD_FILE, String(daemon.pid));
  else process.once('exit', () => daemon.kill('SIGTERM'));
}

/**
 * `{ ok: true }` when dockerd answers (started here if it was not running), or
 * the reason it cannot: the tests print it and skip.
 */
export async function ensureDocker(): Promise<{ ok: true } | { ok: false; reason: string }> {
  const missing = ['docker', 'dockerd'].filter((bin) => !onPath(bin));
  if (missing.includes('docker'))
    return { ok: false, reason: 'docker is not installed (apt-get install docker.io)' };
  if (await daemonUp()) return { ok: true };
  if (missing.includes('dockerd') || process.getuid?.() !== 0) {
    return {
      ok: false,
      reason: 'dockerd is not running and this process cannot start it (not root, or no dockerd)',
    };
  }
  const log = join(tmpdir(), `modelgate-dockerd-${process.pid}.log`);
  const { openSync } = await import('node:fs');
  startedDaemon = spawn('dockerd', [], { stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')] });
  stopDaemonLater(startedDaemon);
  for (let i = 0; i < 60; i++) {
    if (await daemonUp()) return { ok: true };
    if (startedDaemon.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  startedDaemon.kill('SIGTERM');
  startedDaemon = undefined;
  return { ok: false, reason: `dockerd did not start (see ${log})` };
}

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, bin)));
}

export interface LocalRegistry {
  /** `127.0.0.1:<port>`: docker pushes to loopback registries over plain HTTP. */
  address: string;
  stop(): Promise<void>;
}

/** Debian's docker-registry on 127.0.0.1:<free port>, storing under a temp dir. */
export async function startRegistry(): Promise<LocalRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-registry-'));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    [
      'version: 0.1',
      'log: { level: error }',
      `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} }, delete: { enabled: true } }`,
      `http: { addr: 127.0.0.1:${port} }`,
      '',
    ].join('\n'),
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  const address = `127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://${address}/v2/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address,
    stop: async () => {
      child.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function imageExists(ref: string): Promise<boolean> {
  return docker(['image', 'inspect', ref]).then(
    () => true,
    () => false,
  );
}

/** Imports a directory as a one-layer image (`tar | docker import`). */
async function importDir(dir: string, tag: string, changes: string[]): Promise<void> {
  const tar = `${dir}.tar`;
  await run('tar', ['-C', dir, '-cf', tar, '.'], BIG);
  await docker(['import', ...changes.flatMap((c) => ['--change', c]), tar, tag]);
  await rm(tar, { force: true });
}

/**
 * The Node base image, built once per machine (debootstrap --variant=minbase
 * bookworm, then this machine's node binary): what DEPLOY.md tells air-gapped users to do.
 */
export async function ensureBaseImage(): Promise<string> {
  if (await imageExists(BASE_IMAGE)) return BASE_IMAGE;
  const work = await mkdtemp(join(tmpdir(), 'modelgate-base-'));
  const rootfs = join(work, 'rootfs');
  try {
    const mirror = process.env.MODELGATE_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
    await run('debootstrap', ['--variant=minbase', 'bookworm', rootfs, mirror], BIG);
    for (const junk of ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man']) {
      await rm(join(rootfs, junk), { recursive: true, force: true });
    }
    await mkdir(join(rootfs, 'usr/local/bin'), { recursive: true });
    await copyFile(process.execPath, join(rootfs, 'usr/local/bin/node'));
    await importDir(rootfs, BASE_IMAGE, ['CMD ["node"]']);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return BASE_IMAGE;
}

/** An image with a shell-less, node-less file system: a base the image build must refuse. */
export async function ensureNoNodeImage(): Promise<string> {
  if (await imageExists(NO_NODE_IMAGE)) return NO_NODE_IMAGE;
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-no-node-'));
  try {
    await writeFile(join(dir, 'README'), 'no node here\n');
    await importDir(dir, NO_NODE_IMAGE, []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return NO_NODE_IMAGE;
}
