export { type K8sDeployResult, writeK8sDeployment } from './k8s.js';
export { KSERVE_API_VERSION } from './kserve.js';
export { HEALTH_PATHS } from './kubernetes.js';
export { kubernetesName } from './names.js';
export {
  K8S_DEPLOY_DEFAULTS,
  type K8sDeployOptions,
  type K8sDeploySettings,
  k8sDeploySettings,
} from './options.js';
export { OWNERSHIP_FILE } from './ownership.js';
export { validateManifest } from './validate.js';
