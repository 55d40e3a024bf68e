import { containerResources, IMAGE_UID, readinessProbe, type Workload } from './kubernetes.js';
import type { K8sDeploySettings } from './options.js';

export const KSERVE_API_VERSION = 'serving.kserve.io/v1beta1';

function withPredictor(
  w: Workload,
  s: K8sDeploySettings,
  predictor: Record<string, unknown>,
): Record<string, unknown> {
  return {
    apiVersion: KSERVE_API_VERSION,
    kind: 'InferenceService',
    metadata: {
      name: w.name,
      labels: { 'app.kubernetes.io/name': w.name, 'app.kubernetes.io/managed-by': 'modelgate' },
      annotations: { 'modelgate.dev/model': `${w.model}@${w.version}` },
    },
    spec: {
      predictor: {
        minReplicas: s.replicas,
        maxReplicas: s.maxReplicas,
        // KServe sends this share to the revision this spec creates and the rest to the last ready one.
        ...(s.canary === undefined ? {} : { canaryTrafficPercent: s.canary }),
        ...predictor,
      },
    },
  };
}

/** A KServe InferenceService for the same ONNX file: KServe picks (or is told) a runtime that speaks OIP v2. */
export function inferenceService(w: Workload, s: K8sDeploySettings): Record<string, unknown> {
  return withPredictor(w, s, {
    model: {
      modelFormat: { name: 'onnx' },
      protocolVersion: 'v2',
      ...(s.kserveRuntime ? { runtime: s.kserveRuntime } : {}),
      storageUri: s.storageUri ?? `pvc://modelgate-models/${w.model}/${w.version}`,
      resources: containerResources(s),
    },
  });
}

/** The toolkit's server as KServe's main container (a custom predictor, or a ServingRuntime's). */
export function kserveContainer(
  s: K8sDeploySettings,
  image: string,
  command: readonly string[],
  args: readonly string[],
): Record<string, unknown> {
  return {
    name: 'kserve-container',
    image,
    command: [...command],
    args: [...args],
    env: [{ name: 'NODE_ENV', value: 'production' }],
    ports: [{ containerPort: s.port, protocol: 'TCP' }],
    resources: containerResources(s),
    securityContext: {
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      runAsUser: IMAGE_UID,
      capabilities: { drop: ['ALL'] },
    },
  };
}

/**
 * An InferenceService whose predictor is the serving image itself (a custom
 * predictor, `w.image` pinned by digest): the command and port the image
 * runs with, and the Deployment's readiness probe. Knative, which runs
 * KServe's serverless predictors, accepts an unnamed port and a probe on its
 * number only, hence no `http` name here.
 */
export function servingImageInferenceService(
  w: Workload,
  s: K8sDeploySettings,
  entrypoint: readonly string[],
): Record<string, unknown> {
  const container = kserveContainer(s, w.image, entrypoint, ['--port', String(s.port)]);
  return withPredictor(w, s, { containers: [{ ...container, readinessProbe: readinessProbe(s.port) }] });
}

export function kustomization(
  resources: readonly string[],
  s: K8sDeploySettings,
  image?: { name: string; newTag: string } | { name: string; digest: string },
): Record<string, unknown> {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    ...(s.namespace ? { namespace: s.namespace } : {}),
    resources: [...resources],
    // `kustomize edit set image` (or Argo CD Image Updater) changes the tag (or digest) here, not in deployment.yaml.
    ...(image ? { images: [image] } : {}),
  };
}
