import { UserError } from '@modelgate/core';
import type { PinnedImage } from './k8s.js';

export interface K8sDeployOptions {
  /** The registry directory. */
  registry: string;
  /** `name#stage`, `name@v3` or `name` (latest). */
  model: string;
  /** The GitOps directory to write. */
  out: string;
  /** Container image repository; default: the Kubernetes name of the model. */
  image?: string;
  /** Image tag; default: the model version (`v3`). */
  tag?: string;
  /** Written into kustomization.yaml; default: none (the namespace Argo CD or Flux applies to). */
  namespace?: string;
  /** Pods at least (and the HPA's minReplicas). Default 2. */
  replicas?: number;
  /** The HPA's maxReplicas; no HPA is written when it equals `replicas`. Default 10. */
  maxReplicas?: number;
  /** Average CPU utilisation (% of the request) the HPA keeps. Default 70. */
  cpuTarget?: number;
  cpuRequest?: string;
  cpuLimit?: string;
  memoryRequest?: string;
  memoryLimit?: string;
  /** The port the server listens on inside the pod. Default 8080. */
  port?: number;
  /** Where KServe fetches the model directory from; default `pvc://modelgate-models/<name>/<version>`. */
  storageUri?: string;
  /** A KServe ServingRuntime to pin; default: KServe picks one that serves ONNX. */
  kserveRuntime?: string;
  /** The npm package (and version) the image installs to run `modelgate serve`. */
  serverPackage?: { name: string; version: string };
  /** Overwrite files that were edited or not written by modelgate deploy. */
  force?: boolean;
  /** Percent of traffic for this version while the deployed one keeps the rest (KServe canaryTrafficPercent). */
  canary?: number;
  /** Set by the image and modelcar targets: the pushed image the manifests name by digest. */
  pinned?: PinnedImage;
}

export interface K8sDeploySettings {
  image: string | undefined;
  tag: string | undefined;
  namespace: string | undefined;
  replicas: number;
  maxReplicas: number;
  cpuTarget: number;
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
  port: number;
  storageUri: string | undefined;
  kserveRuntime: string | undefined;
  serverPackage: { name: string; version: string };
  canary: number | undefined;
  force: boolean;
}

export const K8S_DEPLOY_DEFAULTS = {
  replicas: 2,
  maxReplicas: 10,
  cpuTarget: 70,
  cpuRequest: '500m',
  cpuLimit: '2',
  memoryRequest: '512Mi',
  memoryLimit: '1Gi',
  port: 8080,
  serverPackage: { name: '@modelgate/cli', version: '^0.1.0' },
} as const;

/** Kubernetes' resource.Quantity grammar, as the API server's schemas state it. */
const QUANTITY =
  /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
const IMAGE = /^[a-z0-9]+([._/:-][a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function quantity(flag: string, value: string | undefined, fallback: string): string {
  const v = value ?? fallback;
  if (!QUANTITY.test(v)) {
    throw new UserError(
      `--${flag} '${v}': not a Kubernetes quantity. Expected e.g. 500m or 2 (CPU), 512Mi or 1Gi (memory).`,
    );
  }
  return v;
}

function integer(
  flag: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new UserError(`--${flag} ${v}: expected an integer from ${min} to ${max}.`);
  }
  return v;
}

function matching(
  flag: string,
  value: string | undefined,
  pattern: RegExp,
  expected: string,
): string | undefined {
  if (value === undefined) return undefined;
  if (!pattern.test(value)) throw new UserError(`--${flag} '${value}': expected ${expected}.`);
  return value;
}

export function k8sDeploySettings(options: K8sDeployOptions): K8sDeploySettings {
  const replicas = integer('replicas', options.replicas, K8S_DEPLOY_DEFAULTS.replicas, 1, 1000);
  const maxReplicas = integer(
    'max-replicas',
    options.maxReplicas,
    Math.max(replicas, K8S_DEPLOY_DEFAULTS.maxReplicas),
    1,
    1000,
  );
  if (maxReplicas < replicas) {
    throw new UserError(`--max-replicas ${maxReplicas}: expected at least --replicas (${replicas}).`);
  }
  return {
    image: matching('image', options.image, IMAGE, 'an image repository such as ghcr.io/acme/churn-server'),
    tag: matching('tag', options.tag, TAG, 'a Docker tag: letters, digits, _ . -'),
    namespace: matching(
      'namespace',
      options.namespace,
      NAMESPACE,
      'a Kubernetes namespace: lowercase letters, digits, -',
    ),
    replicas,
    maxReplicas,
    cpuTarget: integer('cpu-target', options.cpuTarget, K8S_DEPLOY_DEFAULTS.cpuTarget, 1, 1000),
    cpuRequest: quantity('cpu-request', options.cpuRequest, K8S_DEPLOY_DEFAULTS.cpuRequest),
    cpuLimit: quantity('cpu-limit', options.cpuLimit, K8S_DEPLOY_DEFAULTS.cpuLimit),
    memoryRequest: quantity('memory-request', options.memoryRequest, K8S_DEPLOY_DEFAULTS.memoryRequest),
    memoryLimit: quantity('memory-limit', options.memoryLimit, K8S_DEPLOY_DEFAULTS.memoryLimit),
    port: integer('port', options.port, K8S_DEPLOY_DEFAULTS.port, 1024, 65535),
    storageUri: options.storageUri,
    kserveRuntime: options.kserveRuntime,
    serverPackage: options.serverPackage ?? K8S_DEPLOY_DEFAULTS.serverPackage,
    canary: options.canary === undefined ? undefined : integer('canary', options.canary, 0, 0, 100),
    force: options.force === true,
  };
}
