export * from './drift/index.js';
export * from './special/index.js';
export * from './stats/index.js';
