export * from './deploy/index.js';
export * from './prediction-log/index.js';
export * from './server/index.js';
