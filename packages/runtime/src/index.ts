export { type InferenceSession, Tensor } from 'onnxruntime-node';
export * from './batch/index.js';
export type { ColumnPredictions, ColumnSet, ColumnsSpec } from './columns.js';
export * from './device/index.js';
export * from './export/index.js';
export { alignColumns, type InputPlan, planInputs } from './feeds.js';
export { Reader as ProtobufReader, readOnnxMetadata } from './metadata.js';
export * from './model/index.js';
export { type OutputPlan, planOutputs } from './outputs.js';
export { concatBytes, messageField, varintField } from './protobuf-write.js';
export { type RunOptions, runOnColumns } from './run.js';
export { createSession, readModelFile, type SessionOptions } from './session.js';
export {
  awaitEveryWorker,
  destroyReleasing,
  isReleaseTask,
  type ReleaseTask,
  releaseBarrier,
} from './session-release.js';
export {
  formatShape,
  type ModelSignature,
  readSignature,
  type TensorSignature,
} from './signature.js';
