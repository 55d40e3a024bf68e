export { BUILDERS } from './builder.js';
export {
  type BuiltImage,
  deployImage,
  type ImageDeployOptions,
  type ImageDeployResult,
  servingImageManifests,
} from './image.js';
export { DEFAULT_BASE_IMAGE, DEFAULT_MODELCAR_BASE, MODELCAR_DIR } from './image-dockerfile.js';
export { MODEL_LABELS } from './image-labels.js';
export { IMAGE_RECORD_FILE, type K8sDeployResult, writeK8sDeployment } from './k8s.js';
export { KSERVE_API_VERSION } from './kserve.js';
export { HEALTH_PATHS } from './kubernetes.js';
export {
  clusterServingRuntime,
  deployModelcar,
  type ModelcarOptions,
  type ModelcarResult,
  modelcarManifests,
} from './modelcar.js';
export { kubernetesName } from './names.js';
export {
  K8S_DEPLOY_DEFAULTS,
  type K8sDeployOptions,
  type K8sDeploySettings,
  k8sDeploySettings,
} from './options.js';
export { OWNERSHIP_FILE } from './ownership.js';
export { validateManifest } from './validate.js';
