import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { oneLine, UserError } from '@modelgate/core';
import { MARKERS, NODE_CHECK } from './image-dockerfile.js';

export const BUILDERS = ['docker', 'podman', 'buildah'] as const;
export type BuilderName = (typeof BUILDERS)[number];

export interface Builder {
  name: BuilderName;
  /** Fails fast, before a build context is staged, when the base has no usable node. */
  checkNode(baseImage: string): Promise<void>;
  build(context: string, tag: string): Promise<void>;
  /** Pushes `tag` and returns the digest the registry stored (`sha256:…`). */
  push(tag: string): Promise<string>;
  /** The image's config labels. */
  labels(ref: string): Promise<Record<string, string>>;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(bin: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(bin, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 127) : 0;
      resolve({
        code,
        stdout: String(stdout),
        stderr: String(stderr || (err && !stderr ? err.message : '')),
      });
    });
  });
}

/** The builder's last word: its last line of stderr (where the reason is), else of stdout. */
function lastLine(r: Result): string {
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim());
  return oneLine(lines.filter((l) => l !== '').at(-1) ?? `exit code ${r.code}`);
}

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, bin)));
}

/** What a failed build said, as the fix the user needs. */
export function buildFailure(name: BuilderName, r: Result, baseImage: string): UserError {
  const said = `${r.stderr}\n${r.stdout}`;
  if (
    said.includes(MARKERS.noNode) ||
    /"node": executable file not found|exec: "node"|node: not found|no such file or directory/i.test(said)
  ) {
    return new UserError(
      `--base-image ${baseImage}: has no node on its PATH. Use an image with Node >= 20.19 (e.g. node:20-slim, or a base built as DEPLOY.md shows).`,
    );
  }
  if (said.includes(MARKERS.digest)) {
    return new UserError(
      `${name} build: the model copied into the image does not match its sha256; re-run (the registry changed while building?).`,
    );
  }
  if (
    /pull access denied|manifest unknown|not found: manifest|failed to resolve|dial tcp|no such host|TLS handshake/i.test(
      said,
    )
  ) {
    return new UserError(
      `--base-image ${baseImage}: ${name} could not get it (${lastLine(r)}). Pull or build it first (docker pull / docker import), or name another --base-image.`,
    );
  }
  if (/ERR_MODULE_NOT_FOUND|Cannot find (package|module)|ERR_DLOPEN_FAILED/.test(said)) {
    const why =
      /(Cannot find (package|module) '[^']+'|ERR_DLOPEN_FAILED[^\n]*)/.exec(said)?.[1] ?? lastLine(r);
    return new UserError(
      `${name} build: the toolkit does not start in the image (${oneLine(why)}). Rebuild the toolkit (npm ci && npm run build) and re-run.`,
    );
  }
  return new UserError(`${name} build failed: ${lastLine(r)}`);
}

function pushFailure(name: BuilderName, tag: string, r: Result): UserError {
  const registry = tag.split('/')[0];
  return new UserError(
    `--push: ${name} push ${tag} was refused (${lastLine(r)}). Check the registry address and log in first: ${name} login ${registry}.`,
  );
}

async function withDigestFile<T>(use: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-digest-'));
  try {
    return await use(join(dir, 'digest'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function parseLabels(text: string): Record<string, string> {
  return (JSON.parse(text || 'null') as Record<string, string> | null) ?? {};
}

function dockerLike(name: 'docker' | 'podman', baseImage: string): Builder {
  return {
    name,
    async checkNode(image) {
      // Named, because a container whose start fails outlives --rm.
      const container = `modelgate-node-check-${process.pid}-${Date.now()}`;
      const args = ['run', '--rm', '--name', container, '--network', 'host', '--entrypoint', 'node'];
      const r = await exec(name, [...args, image, '-e', NODE_CHECK]);
      if (r.code === 0) return;
      await exec(name, ['rm', '--force', container]);
      throw buildFailure(name, r, image);
    },
    async build(context, tag) {
      // --network host: the build needs no network, and the bridge's private addresses are never used.
      const r = await exec(name, ['build', '--network', 'host', '--pull=false', '-t', tag, context]);
      if (r.code !== 0) throw buildFailure(name, r, baseImage);
    },
    async push(tag) {
      if (name === 'podman') {
        return withDigestFile(async (file) => {
          const r = await exec(name, ['push', '--digestfile', file, tag]);
          if (r.code !== 0) throw pushFailure(name, tag, r);
          return (await readFile(file, 'utf8')).trim();
        });
      }
      const r = await exec(name, ['push', tag]);
      if (r.code !== 0) throw pushFailure(name, tag, r);
      // "<tag>: digest: sha256:… size: N" is the registry's manifest digest for this push.
      const digest = /digest: (sha256:[0-9a-f]{64})/.exec(r.stdout)?.[1];
      if (!digest) throw new UserError(`${name} push ${tag}: no digest in its output (${lastLine(r)}).`);
      return digest;
    },
    async labels(ref) {
      const r = await exec(name, ['image', 'inspect', '--format', '{{json .Config.Labels}}', ref]);
      if (r.code !== 0) throw new UserError(`${name} image inspect ${ref}: ${lastLine(r)}`);
      return parseLabels(r.stdout.trim());
    },
  };
}

function buildah(baseImage: string): Builder {
  return {
    name: 'buildah',
    // The build's own node check catches it; buildah has no quick way to run an image.
    checkNode: async () => {},
    async build(context, tag) {
      const r = await exec('buildah', ['build', '--network', 'host', '--pull-never', '-t', tag, context]);
      if (r.code !== 0) throw buildFailure('buildah', r, baseImage);
    },
    push: (tag) =>
      withDigestFile(async (file) => {
        const r = await exec('buildah', ['push', '--digestfile', file, tag]);
        if (r.code !== 0) throw pushFailure('buildah', tag, r);
        return (await readFile(file, 'utf8')).trim();
      }),
    async labels(ref) {
      const r = await exec('buildah', ['inspect', '--format', '{{json .OCIv1.Config.Labels}}', ref]);
      if (r.code !== 0) throw new UserError(`buildah inspect ${ref}: ${lastLine(r)}`);
      return parseLabels(r.stdout.trim());
    },
  };
}

/** Is the builder able to build now: docker and podman (remote) need their daemon/service. */
async function checkReady(name: BuilderName): Promise<void> {
  if (name === 'buildah') return;
  const r = await exec(name, ['info', '--format', '{{json .ID}}']);
  if (r.code === 0) return;
  throw new UserError(
    name === 'docker'
      ? `docker: the daemon is not running (${lastLine(r)}). Start it (sudo systemctl start docker, or sudo dockerd &) or pass --builder podman|buildah.`
      : `podman: not usable (${lastLine(r)}). Check \`podman info\`, or pass --builder docker|buildah.`,
  );
}

/** The named builder, or the first of docker, podman, buildah on PATH; checked ready to build. */
export async function findBuilder(requested: string | undefined, baseImage: string): Promise<Builder> {
  if (requested !== undefined && !(BUILDERS as readonly string[]).includes(requested)) {
    throw new UserError(`--builder '${requested}': expected one of ${BUILDERS.join(', ')}.`);
  }
  const name =
    requested === undefined
      ? BUILDERS.find(onPath)
      : onPath(requested)
        ? (requested as BuilderName)
        : undefined;
  if (name === undefined) {
    throw new UserError(
      `${requested ? `--builder ${requested}: not` : `no container builder (${BUILDERS.join(', ')})`} found on PATH. Install one (e.g. apt-get install docker.io, then start dockerd) and re-run.`,
    );
  }
  await checkReady(name);
  return name === 'buildah' ? buildah(baseImage) : dockerLike(name, baseImage);
}
