export {
  type ArtifactsRecord,
  DEFAULT_ARTIFACTS_MAX_MB,
  type KeptArtifacts,
  TRAINER_DIR,
  TRIALS_DIR,
} from './artifacts.js';
export { candidateConfigs, searchSpaceOf } from './candidates.js';
export {
  type CommandResult,
  type CommandTrial,
  DEFAULT_COMMAND_TIMEOUT_MINUTES,
  runCommandTrial,
} from './command.js';
export { ENCODED_MODEL_FILE } from './encoded-model.js';
export type { EncodedSplitSets } from './encoded-splits.js';
export {
  cudaVersionOf,
  detectGpus,
  devicesOf,
  type GpuDevice,
  type GpuInfo,
  type GpuQuery,
  parseNvidiaSmiCsv,
  queryGpus,
} from './gpu.js';
export {
  type CodeVersion,
  canonicalJson,
  codeVersion,
  configHash,
  type Lineage,
  TOOLKIT_VERSION,
  type TrainerRecord,
} from './lineage.js';
export * from './metrics.js';
export {
  type ModelSummary,
  OUTPUT_FILES,
  type OutputContext,
  trialsFile,
  type WrittenOutputs,
  writeTrainingOutputs,
  writeTrainingResult,
} from './outputs.js';
export {
  collectPlan,
  MATRIX_FILE,
  PLAN_FILE,
  PLAN_SPLITS_DIR,
  PLAN_TRIALS_DIR,
  type PlanOptions,
  plannedTrialDir,
  planTrials,
  RESULT_FILE,
  readPlan,
  runPlannedTrial,
  TRIAL_OUTPUT_DIR,
  type TrainPlan,
  type TrialResultFile,
  writePlan,
} from './plan.js';
export { createTrialRunner, type RunnerOptions, type TrialRunner } from './pool.js';
export {
  formatDuration,
  formatValue,
  renderTrialsMarkdown,
  type TrialReport,
  type TrialsFile,
  trialReports,
  trialsTable,
} from './report.js';
export { writeSplitCsv } from './split-csv.js';
export { withStagedDirectories } from './staged.js';
export { loadTrainers } from './trainer-module.js';
export {
  requireSuccess,
  runTraining,
  type TrainingRun,
  type TrainOptions,
  type TrainProgress,
} from './training.js';
export { evaluateTrial, type TrialEnvironment, type TrialTask, trialModelPath } from './trial.js';
