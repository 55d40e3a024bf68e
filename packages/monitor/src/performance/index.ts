export * from './assess.js';
export * from './calibration.js';
export * from './cbpe.js';
export * from './columns.js';
export * from './isotonic.js';
export * from './labels.js';
export * from './metrics.js';
export * from './types.js';
