export {
  METADATA_FILE,
  MODEL_FILE,
  type ModelFile,
  type RegistryOrigin,
  readModelPath,
  sha256Hex,
} from './model-file.js';
export {
  modelSpecOf,
  noSpecError,
  type OpenModelOptions,
  openModel,
  type ResolvedModel,
  type ResolvedSpec,
  recordedSpec,
  registryModel,
  resolveModel,
  type SpecSource,
  signatureOf,
  specOrNone,
} from './resolve.js';
export {
  type FeatureSpec,
  MODEL_TASKS,
  type ModelSpec,
  parseModelSpec,
  SPEC_METADATA_KEYS,
  specFromMetadataProps,
  specMetadataProps,
} from './spec.js';
export { refuseConflictingSpecFlags } from './spec-conflict.js';
export { hasSpecFlags, SPEC_FLAGS_HELP, type SpecFlags, specFromFlags } from './spec-flags.js';
export { stampMetadata } from './stamp.js';
