export { type Attribute, type Attributes, attr } from './attributes.js';
export { type Dim, DTYPE_CODES, type DType } from './dtypes.js';
export {
  DEFAULT_OPSETS,
  IR_VERSION,
  ML_DOMAIN,
  type ModelOptions,
  type NodeOptions,
  OnnxGraph,
  type ValueSpec,
} from './graph-builder.js';
export {
  classifierOutputs,
  OUTPUT_LABEL,
  OUTPUT_PREDICTION,
  OUTPUT_PROBABILITIES,
  regressionOutput,
} from './heads.js';
export { METADATA_KEYS, modelMetadata, TRAINER_METADATA_KEY } from './metadata.js';
export { finishModel, type ModelGraph, startModelGraph } from './model.js';
export {
  addRawInputs,
  categoryCode,
  categoryIndex,
  concatColumns,
  featureMatrix,
  type NumericPreprocessing,
  numericBlock,
  oneHot,
  standardizeValue,
} from './preprocess.js';
export { type OnnxTypes, onnx } from './proto.js';
export { dtypeOf, type TensorData, tensorProto } from './tensors.js';
