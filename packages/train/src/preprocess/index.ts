export { DATETIME_PARTS, type DatetimePart, datetimeParts, datetimePartsGraph } from './datetime.js';
export {
  DEFAULT_ENCODING,
  type Encoding,
  type EncodingOptions,
  encodingKey,
  encodingOptionsOf,
  fitEncoding,
} from './encoding.js';
export { type EncodedColumn, encodedColumns, type FeatureMap, featureMap } from './feature-map.js';
export {
  type EncodableProblem,
  type EncodedSplits,
  FEATURE_MAP_FILE,
  writeEncodedSplits,
} from './files.js';
export { float32Text } from './float-text.js';
export { encodingGraph } from './graph.js';
export { encodeSet } from './matrix.js';
