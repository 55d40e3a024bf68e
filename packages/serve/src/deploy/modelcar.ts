import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@modelgate/core';
import { type Builder, findBuilder } from './builder.js';
import { buildContext, checkPushTarget, type ImageDeployOptions, imageTag } from './image.js';
import {
  DEFAULT_BASE_IMAGE,
  DEFAULT_MODELCAR_BASE,
  MODELCAR_DIR,
  modelcarDockerfile,
  serverDockerfile,
} from './image-dockerfile.js';
import { gitSource, imageLabels } from './image-labels.js';
import { type K8sDeployResult, type PinnedImage, writeK8sDeployment } from './k8s.js';
import { kserveContainer } from './kserve.js';
import { readModelSource } from './model-source.js';
import { kubernetesName } from './names.js';
import { type K8sDeploySettings, k8sDeploySettings } from './options.js';
import { IMAGE_BIN, stageToolkit } from './toolkit-bundle.js';

/** KServe mounts a modelcar's /models here in the serving container. */
export const KSERVE_MODEL_MOUNT = '/mnt/models';

export interface ModelcarOptions extends ImageDeployOptions {
  /** The modelcar's base: it needs `sh` (KServe's sidecar runs it). Default busybox. */
  modelcarBase?: string;
  /** A toolkit server image already pushed (`repo@sha256:…`); default: build and push `<push>-runtime`. */
  runtimeImage?: string;
}

export interface PushedImage {
  tag: string;
  repository: string;
  digest: string;
  reference: string;
  labels: Record<string, string>;
}

export interface ModelcarResult {
  model: string;
  version: string;
  builder: string;
  modelcar: Omit<PushedImage, 'digest' | 'reference'> & Partial<PushedImage>;
  /** The toolkit's server image the ClusterServingRuntime runs (`repo@sha256:…`). */
  runtime?: string;
  runtimeName: string;
  manifests?: K8sDeployResult;
}

const PINNED = /^[^@\s]+@sha256:[0-9a-f]{64}$/;

/**
 * `modelgate-<first 12 hex of the server image's digest>`: cluster-scoped, so
 * two toolkit builds never overwrite each other's runtime, and models deployed
 * with the same --runtime-image share one.
 */
export function runtimeName(reference: string): string {
  const at = reference.indexOf('@sha256:');
  return at < 0 ? 'modelgate' : `modelgate-${reference.slice(at + 8, at + 20)}`;
}

/**
 * The ClusterServingRuntime for the toolkit's server: ONNX over OIP v2, the
 * model from /mnt/models/<InferenceService name> (the modelcar's layout), so
 * it serves the model under the InferenceService's name. Not auto-selected:
 * only InferenceServices that name it use it.
 */
export function clusterServingRuntime(
  name: string,
  image: string,
  s: K8sDeploySettings,
): Record<string, unknown> {
  return {
    apiVersion: 'serving.kserve.io/v1alpha1',
    kind: 'ClusterServingRuntime',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'modelgate' } },
    spec: {
      supportedModelFormats: [{ name: 'onnx', version: '1', autoSelect: false }],
      protocolVersions: ['v2'],
      containers: [
        kserveContainer(
          s,
          image,
          ['node', IMAGE_BIN],
          [
            'serve',
            '--model',
            `${KSERVE_MODEL_MOUNT}/{{.Name}}`,
            '--host',
            '0.0.0.0',
            '--port',
            String(s.port),
          ],
        ),
      ],
    },
  };
}

async function pushed(
  builder: Builder,
  tag: string,
  repository: string,
  labels: Record<string, string>,
): Promise<PushedImage> {
  const digest = await builder.push(tag);
  return { tag, repository, digest, reference: `${repository}@${digest}`, labels };
}

/** Builds and pushes the toolkit's server image without a model: what the ClusterServingRuntime runs. */
async function buildRuntime(
  builder: Builder,
  repository: string,
  baseImage: string,
  settings: K8sDeploySettings,
): Promise<string> {
  await builder.checkNode(baseImage);
  let version = '';
  let labels: Record<string, string> = {};
  let tag = '';
  await buildContext(builder, async (context) => {
    version = (await stageToolkit(context)).version;
    tag = `${repository}:modelgate-${version}`;
    labels = imageLabels({
      toolkitVersion: version,
      baseImage,
      source: {},
      created: new Date().toISOString(),
      description: `modelgate ${version} server for KServe: serves ${KSERVE_MODEL_MOUNT}/<InferenceService name> over OIP v2`,
    });
    const serveArgs = ['serve', '--model', KSERVE_MODEL_MOUNT];
    return { dockerfile: serverDockerfile({ baseImage, labels, port: settings.port, serveArgs }), tag };
  });
  return (await pushed(builder, tag, repository, labels)).reference;
}

/**
 * `modelgate deploy --target modelcar`: an OCI image holding only the
 * registry version's files at /models/<name>/, pushed and named by digest in
 * an InferenceService (`storageUri: oci://…@sha256:…`), with a
 * ClusterServingRuntime running the toolkit's server image (also by digest).
 */
export async function deployModelcar(options: ModelcarOptions): Promise<ModelcarResult> {
  const settings = k8sDeploySettings(options);
  checkPushTarget(options.push);
  if (options.runtimeImage !== undefined && !PINNED.test(options.runtimeImage)) {
    throw new UserError(
      `--runtime-image '${options.runtimeImage}': expected an image pinned by digest (<repository>@sha256:<64 hex>), e.g. the image.json reference of an earlier run.`,
    );
  }
  const source = await readModelSource(options.registry, options.model);
  const name = kubernetesName(source.name);
  const base = options.modelcarBase ?? DEFAULT_MODELCAR_BASE;
  const builder = await findBuilder(options.builder, base);
  const repository = options.push ?? `modelgate/${name}-modelcar`;
  const tag = `${repository}:${imageTag(source)}`;
  const labels = imageLabels({
    model: { name: source.name, version: source.version, sha256: source.metadata.model.sha256 },
    baseImage: base,
    source: await gitSource(options.registry),
    created: new Date().toISOString(),
    description: `modelcar: registry model ${source.name}@${source.version} at ${MODELCAR_DIR}/${name}/ for KServe`,
  });
  await buildContext(builder, async (dir) => {
    const modelDir = join(dir, 'model', name);
    await mkdir(modelDir, { recursive: true });
    for (const [file, path] of source.files) await copyFile(path, join(modelDir, file));
    return { dockerfile: modelcarDockerfile(base, labels), tag };
  });
  const result = { model: source.name, version: source.version, builder: builder.name };
  if (!options.push) {
    return { ...result, modelcar: { tag, repository, labels }, runtimeName: runtimeName(tag) };
  }
  const modelcar = await pushed(builder, tag, repository, labels);
  const runtime =
    options.runtimeImage ??
    (await buildRuntime(
      builder,
      `${options.push}-runtime`,
      options.baseImage ?? DEFAULT_BASE_IMAGE,
      settings,
    ));
  const rtName = runtimeName(runtime);
  const manifests = await writeK8sDeployment({
    ...options,
    pinned: modelcarManifests(modelcar, runtime, settings, {
      format: 'modelgate.modelcar/1',
      ...result,
      modelcar,
      runtime,
      runtimeName: rtName,
    }),
  });
  return { ...result, modelcar, runtime, runtimeName: rtName, manifests };
}

/** What the pushed modelcar and runtime images become in kserve/: the InferenceService and the ClusterServingRuntime. */
export function modelcarManifests(
  modelcar: Pick<PushedImage, 'repository' | 'digest' | 'reference'>,
  runtime: string,
  settings: K8sDeploySettings,
  record: Record<string, unknown>,
): PinnedImage {
  const rtName = runtimeName(runtime);
  return {
    repository: modelcar.repository,
    digest: modelcar.digest,
    storageUri: `oci://${modelcar.reference}`,
    kserveRuntime: rtName,
    kserve: new Map([['clusterservingruntime.yaml', clusterServingRuntime(rtName, runtime, settings)]]),
    record,
  };
}
