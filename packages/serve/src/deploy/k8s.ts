import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { withStagedOutputs } from '@modelgate/core';
import { digestBytes, digestFile, REGISTRY_FILES } from '@modelgate/registry';
import { type CanarySplit, planCanary } from './canary.js';
import { dockerfile, packageJson } from './dockerfile.js';
import { inferenceService, kustomization, servingImageInferenceService } from './kserve.js';
import { deployment, horizontalPodAutoscaler, service, type Workload } from './kubernetes.js';
import { readModelSource } from './model-source.js';
import { kubernetesName } from './names.js';
import { type K8sDeployOptions, type K8sDeploySettings, k8sDeploySettings } from './options.js';
import { checkOverwrites, OWNERSHIP_FILE, readOwnership, removeStale } from './ownership.js';
import { GENERATED_BY, renderYaml } from './render.js';
import { validateManifest } from './validate.js';

/** Subdirectories of the output; each is committed in one staged move. */
const SUBDIRS = ['model', 'kserve'] as const;

/** The image a build pushed: the manifests name it by digest, and `image.json` records it. */
export interface PinnedImage {
  repository: string;
  /** `sha256:…`, the registry's manifest digest. */
  digest: string;
  /** What `image.json` holds (the deployment output a workflow reads). */
  record: Record<string, unknown>;
  /** Extra KServe files (the modelcar's ClusterServingRuntime), by path under `kserve/`. */
  kserve?: Map<string, Record<string, unknown>>;
  /** A modelcar's `oci://…@sha256:…` and runtime: then only kserve/ is written (no Deployment can run a modelcar). */
  storageUri?: string;
  kserveRuntime?: string;
  /** The serving image's ENTRYPOINT (the image target): KServe runs the image itself as a custom predictor. */
  entrypoint?: string[];
}

export const IMAGE_RECORD_FILE = 'image.json';

type Content = { text: string } | { copyOf: string };

export interface K8sDeployResult {
  out: string;
  model: string;
  version: string;
  image: string;
  /** Every file written, relative to `out`, sorted. */
  files: string[];
  /** Files that existed before and were replaced. */
  replaced: string[];
  /** Files an earlier run wrote that this one no longer writes. */
  removed: string[];
  /** With --canary: the split between the deployed version and this one. */
  canary?: {
    percent: number;
    stable: string;
    stableReplicas: number;
    canaryReplicas: number;
    /** The plain Deployments' share for this version: their replica ratio. */
    effectivePercent: number;
  };
}

/** Deployment (two with a canary: the deployed version and this one), Service, and an HPA unless fixed. */
function plainManifests(
  workload: Workload,
  settings: K8sDeploySettings,
  canary: CanarySplit | undefined,
): Map<string, { validate(): void; kind?: string }> {
  if (canary) {
    // Fixed replica counts, no HPA: the ratio of ready pods is the traffic split.
    return new Map<string, { validate(): void; kind?: string }>([
      [
        'deployment.yaml',
        deployment({ ...canary.stable, name: workload.name }, settings, {
          track: 'stable',
          replicas: canary.stableReplicas,
        }),
      ],
      [
        'canary-deployment.yaml',
        deployment(workload, settings, { track: 'canary', replicas: canary.canaryReplicas }),
      ],
      ['service.yaml', service(workload)],
    ]);
  }
  const manifests = new Map<string, { validate(): void; kind?: string }>([
    ['deployment.yaml', deployment(workload, settings)],
    ['service.yaml', service(workload)],
  ]);
  if (settings.maxReplicas > settings.replicas)
    manifests.set('hpa.yaml', horizontalPodAutoscaler(workload, settings));
  return manifests;
}

/** The InferenceService: the model from storage (k8s, modelcar) or the pinned serving image as the predictor. */
function kserveService(
  workload: Workload,
  settings: K8sDeploySettings,
  pinned: PinnedImage | undefined,
): Record<string, unknown> | undefined {
  if (!pinned) return inferenceService(workload, settings);
  if (pinned.storageUri) {
    return inferenceService(workload, {
      ...settings,
      storageUri: pinned.storageUri,
      kserveRuntime: pinned.kserveRuntime,
    });
  }
  return pinned.entrypoint && servingImageInferenceService(workload, settings, pinned.entrypoint);
}

async function plannedFiles(
  options: K8sDeployOptions,
): Promise<{ files: Map<string, Content>; result: Omit<K8sDeployResult, 'files' | 'replaced' | 'removed'> }> {
  const settings = k8sDeploySettings(options);
  const source = await readModelSource(options.registry, options.model);
  const name = kubernetesName(source.name);
  const pinned = options.pinned;
  const repository = pinned?.repository ?? settings.image ?? name;
  const tag = settings.tag ?? source.version;
  const workload: Workload = {
    name,
    model: source.name,
    version: source.version,
    image: pinned ? `${repository}@${pinned.digest}` : `${repository}:${tag}`,
  };
  const from = `registry model ${source.name}@${source.version} (sha256 ${source.metadata.model.sha256.slice(0, 12)})`;

  // A modelcar carries only the model: no Deployment can run it, so only kserve/ is written.
  const plain = !pinned?.storageUri;
  const canary =
    plain && settings.canary !== undefined
      ? await planCanary(options.out, settings.canary, settings.replicas, workload)
      : undefined;
  const files = new Map<string, Content>();
  if (plain) {
    const manifests = plainManifests(workload, settings, canary);
    for (const [file, manifest] of manifests) validateManifest(file, manifest);
    for (const [file, manifest] of manifests) files.set(file, { text: renderYaml(from, manifest) });
    const image = pinned ? { name: repository, digest: pinned.digest } : { name: repository, newTag: tag };
    files.set('kustomization.yaml', {
      text: renderYaml(from, kustomization([...manifests.keys()], settings, image)),
    });
  }
  const isvc = kserveService(workload, settings, pinned);
  if (isvc) {
    const kserveFiles = new Map<string, unknown>([
      ['inferenceservice.yaml', isvc],
      ...(pinned?.kserve ?? []),
    ]);
    for (const [file, manifest] of kserveFiles)
      files.set(`kserve/${file}`, { text: renderYaml(from, manifest) });
    files.set('kserve/kustomization.yaml', {
      text: renderYaml(from, kustomization([...kserveFiles.keys()], settings)),
    });
  }
  if (pinned) {
    files.set(IMAGE_RECORD_FILE, { text: `${JSON.stringify(pinned.record, null, 2)}\n` });
  } else {
    files.set('Dockerfile', { text: dockerfile(from, source, workload.image, settings) });
    files.set('package.json', { text: packageJson(from, name, settings) });
    files.set(REGISTRY_FILES.settings, { text: source.registrySettings });
    for (const [file, path] of source.files) files.set(`model/${file}`, { copyOf: path });
  }
  return {
    files,
    result: {
      out: options.out,
      model: source.name,
      version: source.version,
      image: workload.image,
      ...(canary && settings.canary !== undefined
        ? {
            canary: {
              percent: settings.canary,
              stable: `${canary.stable.model}@${canary.stable.version}`,
              stableReplicas: canary.stableReplicas,
              canaryReplicas: canary.canaryReplicas,
              effectivePercent: canary.effectivePercent,
            },
          }
        : {}),
    },
  };
}

async function digestOf(content: Content): Promise<string> {
  return 'text' in content ? digestBytes(content.text).sha256 : (await digestFile(content.copyOf)).sha256;
}

async function writeInto(dir: string, file: string, content: Content): Promise<void> {
  const path = join(dir, file);
  await mkdir(dirname(path), { recursive: true });
  if ('text' in content) await writeFile(path, content.text);
  else await copyFile(content.copyOf, path);
}

/**
 * Writes the GitOps directory for one registry version: Dockerfile and
 * package.json for the server image, Deployment + Service (+ HPA) with a
 * kustomization.yaml, and kserve/ with an InferenceService as the
 * alternative. With `pinned` (the image and modelcar targets, after a push)
 * the manifests name the pushed image by digest (the image target's
 * InferenceService runs that image as its predictor) and image.json replaces
 * the build files. Everything is generated and validated before anything is
 * written; each directory is then replaced in one staged move.
 */
export async function writeK8sDeployment(options: K8sDeployOptions): Promise<K8sDeployResult> {
  const { files, result } = await plannedFiles(options);
  const digests = new Map<string, string>();
  for (const [file, content] of files) digests.set(file, await digestOf(content));
  const owned = await readOwnership(options.out);
  await checkOverwrites(options.out, digests, owned, options.force === true);

  const record = {
    generator: GENERATED_BY,
    model: `${result.model}@${result.version}`,
    files: Object.fromEntries([...digests].sort()),
  };
  const replaced: string[] = [];
  const inSubdir = (file: string) => SUBDIRS.find((d) => file.startsWith(`${d}/`));
  for (const subdir of SUBDIRS) {
    if (![...files.keys()].some((file) => inSubdir(file) === subdir)) continue;
    const { replaced: names } = await withStagedOutputs(join(options.out, subdir), async (dir) => {
      for (const [file, content] of files)
        if (inSubdir(file) === subdir) await writeInto(dir, file.slice(subdir.length + 1), content);
    });
    replaced.push(...names.map((n) => `${subdir}/${n}`));
  }
  const { replaced: top } = await withStagedOutputs(options.out, async (dir) => {
    for (const [file, content] of files) if (!inSubdir(file)) await writeInto(dir, file, content);
    await writeFile(join(dir, OWNERSHIP_FILE), `${JSON.stringify(record, null, 2)}\n`);
  });
  replaced.push(...top.filter((n) => n !== OWNERSHIP_FILE));
  const removed = await removeStale(options.out, digests, owned);
  return { ...result, files: [...files.keys()].sort(), replaced: replaced.sort(), removed };
}
