export * from './data/index.js';
export * from './gbdt/index.js';
export * from './linear/index.js';
export * from './onnx/index.js';
export * from './run/index.js';
export * from './search/index.js';
export * from './trainers.js';
export * from './types.js';
