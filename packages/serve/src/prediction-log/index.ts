export { createPredictionLog, type PredictionLog, type PredictionLogStats } from './create.js';
export {
  hourKey,
  parsePredictionsFileName,
  parseProfileFileName,
  predictionsFileName,
  profileFileName,
} from './layout.js';
export { PREDICTION_LOG_DEFAULTS, type PredictionLogOptions } from './options.js';
export { listPredictionLog, type PredictionLogHour } from './read.js';
export {
  LATENCY_BUCKETS_MS,
  type MinuteAggregate,
  SERVING_FORMAT,
  type ServingFile,
  STATUS_CLASSES,
  servingFileName,
} from './request-aggregates.js';
export type {
  PredictionLogEntry,
  PredictionRole,
  PredictionSink,
  RequestLogEntry,
  ShadowLines,
  ShadowLinesFiles,
} from './types.js';
