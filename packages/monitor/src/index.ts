export * from './anomaly/index.js';
export * from './chunks/index.js';
export * from './drift/index.js';
export * from './monitor/index.js';
export * from './performance/index.js';
export * from './prediction-log/index.js';
export * from './report/index.js';
export * from './stats/index.js';
