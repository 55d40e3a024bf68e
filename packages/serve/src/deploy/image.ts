import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@modelgate/core';
import { REGISTRY_FILES } from '@modelgate/registry';
import { type Builder, findBuilder } from './builder.js';
import { DEFAULT_BASE_IMAGE, serverDockerfile, serverEntrypoint } from './image-dockerfile.js';
import { gitSource, imageLabels } from './image-labels.js';
import { type K8sDeployResult, type PinnedImage, writeK8sDeployment } from './k8s.js';
import { type ModelSource, readModelSource } from './model-source.js';
import { kubernetesName } from './names.js';
import { type K8sDeployOptions, k8sDeploySettings } from './options.js';
import { stageToolkit } from './toolkit-bundle.js';

/** Where the image holds its one-version registry. */
export const IMAGE_REGISTRY = '/app/registry';

export interface ImageDeployOptions extends K8sDeployOptions {
  /** `<registry>/<repository>` to push to; without it the image is built and tagged locally only. */
  push?: string;
  baseImage?: string;
  builder?: string;
}

export interface BuiltImage {
  /** `<repository>:<model>-v<N>-<sha8>`. */
  tag: string;
  repository: string;
  /** The registry's manifest digest, once pushed. */
  digest?: string;
  /** `<repository>@<digest>`: what the manifests name. */
  reference?: string;
  labels: Record<string, string>;
}

export interface ImageDeployResult {
  model: string;
  version: string;
  builder: string;
  baseImage: string;
  image: BuiltImage;
  /** The manifests written (only after a push: they never name an image a cluster cannot pull). */
  manifests?: K8sDeployResult;
}

/** A registry host (with port) and a repository path, lowercase as the distribution spec requires. */
const PUSH_TARGET = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;

export function checkPushTarget(push: string | undefined): void {
  if (push !== undefined && !PUSH_TARGET.test(push)) {
    throw new UserError(
      `--push '${push}': expected <registry>/<repository> in lowercase without a tag, e.g. ghcr.io/acme/churn-server.`,
    );
  }
}

/** `<model>-v<N>-<sha8>`: a readable tag that still changes whenever the model does. */
export function imageTag(source: Pick<ModelSource, 'name' | 'version' | 'metadata'>): string {
  return `${kubernetesName(source.name)}-${source.version}-${source.metadata.model.sha256.slice(0, 8)}`;
}

/** Stages a build context in a temp dir, builds it, and removes the context whatever happens. */
export async function buildContext(
  builder: Builder,
  stage: (dir: string) => Promise<{ dockerfile: string; tag: string }>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'modelgate-image-'));
  try {
    const { dockerfile, tag } = await stage(dir);
    await writeFile(join(dir, 'Dockerfile'), dockerfile);
    await builder.build(dir, tag);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Copies the version's verified files (and registry.yaml) into `<dir>/registry`, as the image's registry. */
async function stageModel(dir: string, source: ModelSource): Promise<void> {
  const versionDir = join(dir, 'registry', source.name, 'versions', source.version);
  await mkdir(versionDir, { recursive: true });
  for (const [file, path] of source.files) await copyFile(path, join(versionDir, file));
  await writeFile(join(dir, 'registry', REGISTRY_FILES.settings), source.registrySettings);
}

function modelOf(source: ModelSource): { name: string; version: string; sha256: string } {
  return { name: source.name, version: source.version, sha256: source.metadata.model.sha256 };
}

/** What the pushed serving image becomes in the manifests: the Deployment's image and the InferenceService's predictor. */
export function servingImageManifests(
  model: { name: string; version: string; sha256: string },
  image: { repository: string; digest: string },
  record: Record<string, unknown>,
): PinnedImage {
  return {
    ...image,
    entrypoint: serverEntrypoint({ model: { ...model, registryDir: IMAGE_REGISTRY } }),
    record,
  };
}

/**
 * `modelgate deploy --target image`: builds the serving image for one
 * registry version (its files sha256-checked before they are copied in, and
 * the model again inside the image), pushes it when asked, and then writes the
 * Kubernetes manifests and a KServe InferenceService (the image as its
 * predictor) naming it by digest, plus `image.json`.
 */
export async function deployImage(options: ImageDeployOptions): Promise<ImageDeployResult> {
  const settings = k8sDeploySettings(options);
  checkPushTarget(options.push);
  const baseImage = options.baseImage ?? DEFAULT_BASE_IMAGE;
  const source = await readModelSource(options.registry, options.model);
  const builder = await findBuilder(options.builder, baseImage);
  await builder.checkNode(baseImage);
  const repository = options.push ?? settings.image ?? `modelgate/${kubernetesName(source.name)}`;
  const tag = `${repository}:${imageTag(source)}`;
  const model = { ...modelOf(source), registryDir: IMAGE_REGISTRY };
  let labels: Record<string, string> = {};
  let toolkitVersion = '';
  await buildContext(builder, async (dir) => {
    toolkitVersion = (await stageToolkit(dir)).version;
    await stageModel(dir, source);
    labels = imageLabels({
      model: { name: source.name, version: source.version, sha256: source.metadata.model.sha256 },
      toolkitVersion,
      baseImage,
      source: await gitSource(options.registry),
      created: new Date().toISOString(),
      description: `modelgate ${toolkitVersion} serving registry model ${source.name}@${source.version} (OIP v2, MLflow /invocations)`,
    });
    const dockerfile = serverDockerfile({ baseImage, labels, port: settings.port, model });
    return { dockerfile, tag };
  });
  const result = { model: source.name, version: source.version, builder: builder.name, baseImage };
  if (!options.push) return { ...result, image: { tag, repository, labels } };

  const digest = await builder.push(tag);
  const image: BuiltImage = { tag, repository, digest, reference: `${repository}@${digest}`, labels };
  const manifests = await writeK8sDeployment({
    ...options,
    pinned: servingImageManifests(
      modelOf(source),
      { repository, digest },
      {
        format: 'modelgate.image/1',
        ...result,
        ...image,
      },
    ),
  });
  return { ...result, image, manifests };
}
