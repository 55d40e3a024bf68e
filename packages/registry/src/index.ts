export { formatBytes, formatMetric, formatShape, renderCard } from './card.js';
export { ciRunUrl, describeVersion, type VersionContext } from './describe.js';
export { type DiffRow, type DiffValue, diffMetadata, diffVersions, type VersionDiff } from './diff.js';
export type { PushRequest, PushTarget } from './git/push.js';
export { DEFAULT_IDENTITY, openRepo, type RegistryRepo } from './git/repo.js';
export type { WriteOptions } from './git/write.js';
export { digestBytes, digestFile, type FileDigest } from './hash.js';
export { type HistoryEvent, modelHistory, registryHistory, stageHistory } from './history.js';
export { REGISTRY_FILES, registryPath, versionDir } from './layout.js';
export {
  METADATA_FORMAT,
  parseMetadata,
  readMetadata,
  stringifyMetadata,
  type VersionMetadata,
} from './metadata.js';
export {
  type DeprecatedMap,
  type Deprecation,
  readDeprecated,
  readStages,
  renderDeprecated,
  renderStages,
  type StageMap,
} from './model-files.js';
export {
  checkModelName,
  checkStageName,
  formatModelRef,
  gtoVersion,
  type ModelRef,
  parseModelRef,
} from './names.js';
export {
  type ModelSignature,
  type OnnxSummary,
  readOnnxSummary,
  type TensorSignature,
} from './onnx/signature.js';
export {
  type ArchiveOptions,
  type ArchiveResult,
  archive,
  type PromoteOptions,
  promote,
  type RollbackOptions,
  rollback,
  type StageChange,
} from './promote.js';
export {
  checkModelExists,
  listModels,
  listVersions,
  type ModelSummary,
  modelNames,
  resolveRef,
  showVersion,
  type VersionState,
  versionNames,
} from './query.js';
export { type RegisterOptions, type RegisterResult, registerVersion } from './register.js';
export {
  checkStage,
  DEFAULT_SETTINGS_YAML,
  loadSettings,
  type OnlineRequirement,
  parseSettings,
  type RegistrySettings,
} from './settings.js';
export {
  loadVerifiedModel,
  type Problem,
  type VerifiedModel,
  type VerifyReport,
  verifyModelFile,
  verifyRegistry,
} from './verify.js';
