export type { PredictionLogEntry, PredictionSink } from './types.js';
