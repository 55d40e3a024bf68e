/**
 * `modelgate deploy --target image` against a real dockerd and a real
 * docker-registry on 127.0.0.1: build on an offline Debian base, run with
 * --network host, score like onnxruntime-node, push, pull back by digest.
 * Slow by nature (a base image the first time on a machine, then about two
 * minutes per build on two cores), so every build here is needed by a check.
 */
import { copyFile, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathExists } from '@modelgate/core';
import { digestFile } from '@modelgate/registry';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../cli/test/run-cli.js';
import { useTempDir } from '../../core/test/fixtures.js';
import { deployImage, deployModelcar, type ImageDeployResult, MODEL_LABELS } from '../src/deploy/index.js';
import { freePort, waitReady } from './cli-server.js';
import {
  docker,
  ensureBaseImage,
  ensureDocker,
  ensureNoNodeImage,
  type LocalRegistry,
  startRegistry,
} from './docker-fixture.js';
import { clusterServingRuntimeValidator, inferenceServiceValidator } from './kserve-schema.js';
import {
  FEATURES,
  inferBody,
  json,
  MODEL,
  type PenguinRow,
  post,
  scoreInProcess,
  useServeRegistry,
} from './server-fixture.js';

const MINUTES = 60_000;
const availability = await ensureDocker();
const noDocker = !availability.ok;
if (!availability.ok) console.warn(`deploy-image.test.ts: skipping the docker tests: ${availability.reason}`);

const registry = useServeRegistry('deploy-image');
const temp = useTempDir('deploy-image');
let base = '';
let local: LocalRegistry | undefined;
let built: ImageDeployResult | undefined;
const imagesToRemove: string[] = [];

let validateInferenceService: Awaited<ReturnType<typeof inferenceServiceValidator>>;
let validateClusterServingRuntime: Awaited<ReturnType<typeof clusterServingRuntimeValidator>>;

beforeAll(async () => {
  validateInferenceService = await inferenceServiceValidator();
  validateClusterServingRuntime = await clusterServingRuntimeValidator();
  if (noDocker) return;
  base = await ensureBaseImage();
  local = await startRegistry();
  built = await deployImage({
    registry: registry().registryDir,
    model: `${MODEL}#staging`,
    out: temp.path('gitops'),
    push: `${local.address}/modelgate-test/penguins`,
    baseImage: base,
  });
  imagesToRemove.push(built.image.tag);
}, 20 * MINUTES);

afterAll(async () => {
  const pushed = (await docker(['images', '--format', '{{.Repository}}:{{.Tag}}']).catch(() => ''))
    .split('\n')
    .filter((ref) => local && ref.startsWith(`${local.address}/`));
  for (const ref of [...imagesToRemove, ...pushed])
    await docker(['rmi', '--force', ref]).catch(() => undefined);
  await local?.stop();
}, MINUTES);

function result(): ImageDeployResult & { image: { digest: string; reference: string } } {
  if (!built?.image.digest || !built.image.reference) throw new Error('the image is built in beforeAll');
  return built as never;
}

const inProcess = (rows: readonly PenguinRow[]) => scoreInProcess(registry().bytes.v1, rows);

/** Runs the image on the host network (127.0.0.1 only) on a free port until `use` is done. */
async function withContainer(ref: string, use: (url: string) => Promise<void>): Promise<void> {
  const port = await freePort();
  const id = await docker(['run', '-d', '--network', 'host', ref, '--port', String(port)]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url).catch(async (err: unknown) => {
      throw new Error(`${String(err)}\n${await docker(['logs', id]).catch(() => '')}`);
    });
    await use(url);
  } finally {
    await docker(['rm', '--force', id]).catch(() => undefined);
  }
}

describe('modelgate deploy --target image (dockerd)', () => {
  it.skipIf(noDocker)(
    'serves OIP v2 and MLflow /invocations in the container like onnxruntime-node',
    async () => {
      const rows = registry().rows.slice(0, 24);
      const expected = await inProcess(rows);
      await withContainer(result().image.tag, async (url) => {
        const infer = await post(`${url}/v2/models/${MODEL}/infer`, inferBody(rows, { id: 'in-docker' }));
        expect(infer.status).toBe(200);
        const body = await json(infer);
        expect(body).toMatchObject({ model_name: MODEL, model_version: 'v1', id: 'in-docker' });
        const [probabilities, label] = body.outputs;
        probabilities.data.forEach((p: number, i: number) => {
          expect(p).toBeCloseTo(expected.probabilities[i] as number, 6);
        });
        expect(label.data).toEqual(expected.label);

        const records = rows.map((r) =>
          Object.fromEntries(FEATURES.map(({ name }) => [name, r[name] ?? null])),
        );
        const mlflow = await post(`${url}/invocations`, { dataframe_records: records });
        expect(mlflow.status).toBe(200);
        const { predictions } = await json(mlflow);
        expect(predictions.map((p: { label: string }) => p.label)).toEqual(expected.label);
        expect(predictions[5].probabilities[1]).toBeCloseTo(expected.probabilities[5 * 3 + 1] as number, 6);
      });
    },
    5 * MINUTES,
  );

  it.skipIf(noDocker)(
    'pushes to the registry, pulls back by digest with the labels, and the manifests name that digest',
    async () => {
      const { image } = result();
      expect(image.tag).toMatch(new RegExp(`:penguins-v1-${(await sha256()).slice(0, 8)}$`));
      await docker(['rmi', '--force', image.tag]);
      await docker(['pull', image.reference]);
      imagesToRemove.push(image.reference);
      const labels = JSON.parse(
        await docker(['image', 'inspect', '--format', '{{json .Config.Labels}}', image.reference]),
      );
      expect(labels).toMatchObject({
        [MODEL_LABELS.name]: MODEL,
        [MODEL_LABELS.version]: 'v1',
        [MODEL_LABELS.sha256]: await sha256(),
        'org.opencontainers.image.version': 'v1',
        'org.opencontainers.image.base.name': base,
        'org.opencontainers.image.revision': expect.stringMatching(/^[0-9a-f]{40}$/),
        'org.opencontainers.image.created': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      // The pulled manifest is the one pushed: its digest is the one recorded.
      const repoDigests = JSON.parse(
        await docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', image.reference]),
      );
      expect(repoDigests).toContain(image.reference);

      const out = temp.path('gitops');
      const record = JSON.parse(await readFile(join(out, 'image.json'), 'utf8'));
      expect(record).toMatchObject({
        digest: image.digest,
        reference: image.reference,
        model: MODEL,
        version: 'v1',
      });
      const deployment = parse(await readFile(join(out, 'deployment.yaml'), 'utf8'));
      expect(deployment.spec.template.spec.containers[0].image).toBe(image.reference);
      const kustomization = parse(await readFile(join(out, 'kustomization.yaml'), 'utf8'));
      expect(kustomization.images).toEqual([{ name: image.repository, digest: image.digest }]);
      const isvc = parse(await readFile(join(out, 'kserve/inferenceservice.yaml'), 'utf8'));
      expect(validateInferenceService(isvc), JSON.stringify(validateInferenceService.errors)).toBe(true);
      expect(isvc.spec.predictor.containers[0].image).toBe(image.reference);
      // The pulled image runs too: the digest, not the local tag, is what production gets.
      await withContainer(image.reference, async (url) => {
        expect((await fetch(`${url}/v2/models/${MODEL}/ready`)).status).toBe(200);
      });
    },
    5 * MINUTES,
  );
});

describe('modelgate deploy --target modelcar (dockerd)', () => {
  it.skipIf(noDocker)(
    'pushes a modelcar with the model at /models/<name>/ and a runtime image that serves it from /mnt/models as KServe mounts it',
    async () => {
      const address = local?.address as string;
      const out = temp.path('modelcar');
      const result = await deployModelcar({
        registry: registry().registryDir,
        model: `${MODEL}@v1`,
        out,
        push: `${address}/modelgate-test/penguins-modelcar`,
        baseImage: base,
        modelcarBase: base,
      });
      const modelcar = result.modelcar.reference as string;
      const runtime = result.runtime as string;
      imagesToRemove.push(result.modelcar.tag, runtime);
      expect(modelcar).toMatch(/@sha256:[0-9a-f]{64}$/);
      expect(runtime).toMatch(
        new RegExp(`^${address}/modelgate-test/penguins-modelcar-runtime@sha256:[0-9a-f]{64}$`),
      );

      // The layout: the version's files, checked, under /models/<InferenceService name>/.
      const files = temp.path('modelcar-files');
      const id = await docker(['create', modelcar, 'true']);
      try {
        await docker(['cp', `${id}:/models`, files]);
      } finally {
        await docker(['rm', id]);
      }
      const versionDir = join(registry().registryDir, MODEL, 'versions', 'v1');
      expect((await readdir(join(files, 'penguins'))).sort()).toEqual((await readdir(versionDir)).sort());
      expect((await digestFile(join(files, 'penguins', 'model.onnx'))).sha256).toBe(await sha256());
      const labels = JSON.parse(
        await docker(['image', 'inspect', '--format', '{{json .Config.Labels}}', modelcar]),
      );
      expect(labels[MODEL_LABELS.sha256]).toBe(await sha256());

      const isvc = parse(await readFile(join(out, 'kserve/inferenceservice.yaml'), 'utf8'));
      expect(validateInferenceService(isvc), JSON.stringify(validateInferenceService.errors)).toBe(true);
      expect(isvc.spec.predictor.model).toMatchObject({
        storageUri: `oci://${modelcar}`,
        runtime: result.runtimeName,
        modelFormat: { name: 'onnx' },
        protocolVersion: 'v2',
      });
      const csr = parse(await readFile(join(out, 'kserve/clusterservingruntime.yaml'), 'utf8'));
      expect(csr).toMatchObject({
        kind: 'ClusterServingRuntime',
        metadata: { name: result.runtimeName },
        spec: { supportedModelFormats: [{ name: 'onnx' }], protocolVersions: ['v2'] },
      });
      expect(validateClusterServingRuntime(csr), JSON.stringify(validateClusterServingRuntime.errors)).toBe(
        true,
      );
      const container = csr.spec.containers[0];
      expect(container.image).toBe(runtime);
      expect(await pathExists(join(out, 'deployment.yaml'))).toBe(false);

      // What KServe does: the modelcar's /models at /mnt/models, the runtime's command and args, {{.Name}} filled in.
      const port = await freePort();
      const args = container.args.map((a: string) =>
        a.replace('{{.Name}}', isvc.metadata.name).replace(/^8080$/, String(port)),
      );
      const ctr = await docker([
        'run',
        '-d',
        '--network',
        'host',
        '-v',
        `${files}:/mnt/models:ro`,
        '--entrypoint',
        container.command[0],
        runtime,
        ...container.command.slice(1),
        ...args,
      ]);
      try {
        await waitReady(`http://127.0.0.1:${port}`);
        const rows = registry().rows.slice(0, 8);
        const response = await post(`http://127.0.0.1:${port}/v2/models/penguins/infer`, inferBody(rows));
        expect(response.status).toBe(200);
        expect((await json(response)).outputs[1].data).toEqual((await inProcess(rows)).label);
      } finally {
        await docker(['rm', '--force', ctr]);
      }
    },
    10 * MINUTES,
  );
});

async function sha256(): Promise<string> {
  const metadata = JSON.parse(
    await readFile(join(registry().registryDir, MODEL, 'versions', 'v1', 'metadata.json'), 'utf8'),
  );
  return metadata.model.sha256 as string;
}

/** `modelgate deploy --target image` through the CLI, with the base the tests build. */
const imageCli = (...flags: string[]) => [
  'deploy',
  '--target',
  'image',
  '--registry',
  registry().registryDir,
  '--model',
  `${MODEL}#staging`,
  ...flags,
];

describe('modelgate deploy --target image: bad input, one line, exit 2, nothing written', () => {
  it('no builder on PATH', async () => {
    const empty = temp.path('empty-bin');
    await mkdir(empty, { recursive: true });
    await copyFile(process.execPath, join(empty, 'node'));
    vi.stubEnv('PATH', empty);
    try {
      const out = temp.path('no-builder');
      const run = await runCli(imageCli('--out', out, '--push', '127.0.0.1:5000/x'));
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(
        'no container builder (docker, podman, buildah) found on PATH. Install one',
      );
      expect(await pathExists(out)).toBe(false);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it.skipIf(noDocker)('the daemon not running', async () => {
    vi.stubEnv('DOCKER_HOST', `unix://${temp.path('no-such-docker.sock')}`);
    try {
      const out = temp.path('no-daemon');
      const run = await runCli(imageCli('--builder', 'docker', '--out', out, '--push', '127.0.0.1:5000/x'));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/docker: the daemon is not running \(.*\)\. Start it/);
      expect(await pathExists(out)).toBe(false);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('a model whose digest does not match its metadata', async () => {
    const copy = temp.path('tampered');
    await cp(registry().registryDir, copy, { recursive: true });
    await writeFile(join(copy, MODEL, 'versions', 'v1', 'model.onnx'), 'not the model');
    const out = temp.path('tampered-out');
    const run = await runCli([
      'deploy',
      '--target',
      'image',
      '--registry',
      copy,
      '--model',
      `${MODEL}@v1`,
      '--out',
      out,
      '--push',
      '127.0.0.1:5000/x',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/model\.onnx: sha256 [0-9a-f]{12}… does not match metadata\.json/);
    expect(await pathExists(out)).toBe(false);
  });

  it.skipIf(noDocker)(
    'a base image without node',
    async () => {
      const out = temp.path('no-node');
      const run = await runCli(imageCli('--base-image', await ensureNoNodeImage(), '--out', out));
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--base-image ${await ensureNoNodeImage()}: has no node on its PATH`);
      expect(await pathExists(out)).toBe(false);
    },
    10 * MINUTES,
  );

  it.skipIf(noDocker)(
    'a push the registry refuses writes no manifest',
    async () => {
      const closed = await freePort();
      const out = temp.path('refused');
      const run = await runCli(
        imageCli('--base-image', base, '--out', out, '--push', `127.0.0.1:${closed}/nobody/penguins`),
      );
      imagesToRemove.push(`127.0.0.1:${closed}/nobody/penguins:penguins-v1-${(await sha256()).slice(0, 8)}`);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        new RegExp(
          `--push: docker push 127\\.0\\.0\\.1:${closed}/nobody/penguins:\\S+ was refused \\(.*connection refused\\)\\. Check the registry address and log in first: docker login 127\\.0\\.0\\.1:${closed}\\.`,
        ),
      );
      expect(await pathExists(out)).toBe(false);
    },
    10 * MINUTES,
  );
});
