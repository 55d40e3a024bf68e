import type { Workload } from './kubernetes.js';
import type { K8sDeploySettings } from './options.js';

export const KSERVE_API_VERSION = 'serving.kserve.io/v1beta1';

/** A KServe InferenceService for the same ONNX file: KServe picks (or is told) a runtime that speaks OIP v2. */
export function inferenceService(w: Workload, s: K8sDeploySettings): Record<string, unknown> {
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
        model: {
          modelFormat: { name: 'onnx' },
          protocolVersion: 'v2',
          ...(s.kserveRuntime ? { runtime: s.kserveRuntime } : {}),
          storageUri: s.storageUri ?? `pvc://modelgate-models/${w.model}/${w.version}`,
          resources: {
            requests: { cpu: s.cpuRequest, memory: s.memoryRequest },
            limits: { cpu: s.cpuLimit, memory: s.memoryLimit },
          },
        },
      },
    },
  };
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
